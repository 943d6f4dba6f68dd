"""Every rule about one row, triggered by a row that breaks it and by nothing else.

The rules about the file as a whole and a row's layout are the readers' (test_csv_reader,
test_xml_reader); the rules that compare rows are in test_checking.
"""

import datetime as dt
from collections.abc import Callable

from stap.enrolments.prereg import rules
from stap.enrolments.prereg.content import RegisterFacts, check_content
from stap.enrolments.prereg.reading import RawRow
from stap.enrolments.prereg.structure import check_structure
from tests.enrolments.register_fixture import (
    TODAY,
    Register,
    RegisterTestCase,
    good_row,
)

Case = Callable[[Register], dict[str, str]]

# rule id → a row that breaks that rule (and no other fout).
CASES: dict[str, Case] = {
    "VA-003": lambda r: good_row(r, achternaam=""),
    "VA-004": lambda r: good_row(r, voornaam="A" * 201),
    "VA-005": lambda r: good_row(r, postcode=""),
    "VA-010": lambda r: good_row(r, studentnummer="S-2026/001"),
    "VA-011": lambda r: good_row(r, geboortedatum="31-02-1990"),
    "VA-012": lambda r: good_row(r, huisnummer="12a"),
    "VA-013": lambda r: good_row(r, postcode="0123 AB"),
    "VA-014": lambda r: good_row(r, land="XX"),
    "VA-015": lambda r: good_row(r, email="anna@"),
    "VA-016": lambda r: good_row(r, scholings_id="EXC-2027"),
    "VA-017": lambda r: good_row(r, subsidiebedrag="€ 900"),
    "VA-018": lambda r: good_row(r, einddatum="2027-01-10"),
    "VA-019": lambda r: good_row(
        r,
        scholings_id=str(r.multi_year.scholings_id),
        cohortcode=r.multi_year_cohort.code,
        startdatum="2025-09-01",
        einddatum="",
        studiejaar_begin="2026-09-01",
        studiejaar_eind="2026-09-01",
    ),
    "VA-020": lambda r: good_row(r, studiejaar_begin="2026-09-01"),
    "VA-030": lambda r: good_row(r, scholings_id="3f2c1a9e-7b4d-4e8a-9c1f-2d3e4f5a6b7c"),
    "VA-031": lambda r: good_row(r, scholings_id=str(r.foreign.scholings_id), cohortcode="W-1"),
    "VA-032": lambda r: good_row(
        r, scholings_id=str(r.excluded.scholings_id), cohortcode=r.excluded_cohort.code
    ),
    "VA-033": lambda r: good_row(r, cohortcode="BESTAAT-NIET"),
    "VA-034": lambda r: good_row(
        r, cohortcode=r.closed.code, startdatum="2027-01-18", einddatum=""
    ),
    "VA-035": lambda r: good_row(r, subsidiebedrag="0,00"),
    "VA-036": lambda r: good_row(r, subsidiebedrag="950,00"),
    "VA-037": lambda r: good_row(
        r,
        cohortcode=r.flexible.code,
        startdatum="2027-02-01",
        einddatum="",
        subsidiebedrag="1000,01",
    ),
    "VA-038": lambda r: good_row(r, startdatum="2027-01-12"),
    "VA-039": lambda r: good_row(r, geboortedatum="2009-01-12"),
    "VA-040": lambda r: good_row(r, geboortedatum="1959-12-01"),
    "VA-041": lambda r: good_row(
        r,
        scholings_id=str(r.multi_year.scholings_id),
        cohortcode=r.multi_year_cohort.code,
        startdatum="2025-09-01",
        einddatum="",
    ),
    "VA-042": lambda r: good_row(r, studiejaar_begin="2026-09-01", studiejaar_eind="2027-08-31"),
    "VA-043": lambda r: good_row(
        r,
        scholings_id=str(r.multi_year.scholings_id),
        cohortcode=r.multi_year_cohort.code,
        startdatum="2025-09-01",
        einddatum="",
        studiejaar_begin="2027-09-01",
        studiejaar_eind="2028-08-31",
    ),
    "VA-045": lambda r: good_row(r, einddatum="2027-05-31"),
    "VA-046": lambda r: good_row(r, subsidiebedrag="850"),
    "VA-048": lambda r: good_row(
        r, cohortcode=r.running.code, startdatum="2026-10-15", einddatum=""
    ),
}
TESTED_ELSEWHERE = {"VA-001", "VA-002", "VA-044", "VA-047"}


class RowRuleTests(RegisterTestCase):
    def findings(self, values: dict[str, str]) -> list[str]:
        row = check_structure(RawRow(number=2, line=2, values=values))
        if row.values is not None:
            found, _match = check_content(
                row.values,
                organisation_id=self.register.organisation.pk,
                facts=RegisterFacts(on=TODAY),
                today=TODAY,
            )
            row.findings.extend(found)
        return [finding.rule.id for finding in row.findings]

    def test_the_good_row_breaks_no_rule(self) -> None:
        self.assertEqual(self.findings(good_row(self.register)), [])

    def test_each_rule_is_broken_by_its_own_row_and_only_that_rule_keeps_the_row_out(
        self,
    ) -> None:
        for rule_id, case in CASES.items():
            with self.subTest(rule_id):
                found = self.findings(case(self.register))
                self.assertIn(rule_id, found)
                errors = [f for f in found if rules.RULES[f].severity == rules.Severity.FOUT]
                self.assertLessEqual(set(errors), {rule_id})

    def test_every_rule_of_a_row_has_a_case(self) -> None:
        row_rules = {rule.id for rule in rules.RULES.values() if rule.stage != rules.Stage.FILE}
        self.assertEqual(row_rules - TESTED_ELSEWHERE, set(CASES))

    def test_a_student_abroad_needs_no_dutch_address(self) -> None:
        row = good_row(self.register, land="BE", straatnaam="", huisnummer="", postcode="1000")
        self.assertEqual(self.findings(row), [])

    def test_dates_amounts_and_postcodes_are_read_in_the_dutch_ways_too(self) -> None:
        row = good_row(
            self.register,
            geboortedatum="17-05-1990",
            startdatum="11-01-2027",
            subsidiebedrag="900.00",
            postcode="1234ab",
            land="",
        )
        parsed = check_structure(RawRow(number=2, line=2, values=row)).values
        assert parsed is not None
        self.assertEqual(parsed.birth_date, dt.date(1990, 5, 17))
        self.assertEqual(parsed.postcode, "1234 AB")
        self.assertEqual(parsed.country, "NL")
        self.assertEqual(self.findings(row), [])

    def test_a_multi_year_programme_counts_the_study_year_not_the_cohort_start(self) -> None:
        row = good_row(
            self.register,
            scholings_id=str(self.register.multi_year.scholings_id),
            cohortcode=self.register.multi_year_cohort.code,
            startdatum="2025-09-01",
            einddatum="",
            studiejaar_begin="2026-09-01",
            studiejaar_eind="2027-08-31",
        )
        self.assertEqual(self.findings(row), [])

    def test_messages_say_what_is_wrong_and_how_to_fix_it(self) -> None:
        row = check_structure(
            RawRow(number=2, line=2, values=good_row(self.register, postcode="0123 AB"))
        )
        finding = row.findings[0]
        self.assertEqual(finding.message, "De postcode ‘0123 AB’ is geen Nederlandse postcode.")
        self.assertIn("1234 AB", finding.hint)

    def test_a_pasted_essay_is_cut_short_in_the_message(self) -> None:
        row = check_structure(
            RawRow(number=2, line=2, values=good_row(self.register, email="x" * 300))
        )
        messages = " ".join(finding.message for finding in row.findings)
        self.assertNotIn("x" * 41, messages)
