"""Whatever a row holds, the checks never crash, and a row they accept keeps every rule.

Rows are built from a mix of good values, near misses and hostile text per field, so that most
examples break something and some pass; the properties say what an accepted row is.
"""

import re
from decimal import Decimal

import time_machine
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from stap.core.pension import aow_date, eighteenth_birthday
from stap.enrolments.prereg import fields as f
from stap.enrolments.prereg.content import STAP_MAXIMUM, RegisterFacts, check_content
from stap.enrolments.prereg.reading import RawRow
from stap.enrolments.prereg.structure import COUNTRIES, check_structure
from tests.enrolments.register_fixture import MOMENT, TODAY, Register, WithRegister, good_row

HOSTILE = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=195, max_size=260),
    st.sampled_from(["", " ", "=1+1", "0", "-1", "1e3", "NaN", "2027-02-30", "ß", "\x00", "١٢"]),
)


def _sometimes_hostile(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Mostly one of the listed values, one time in twenty hostile."""
    return st.integers(0, 19).flatmap(lambda n: HOSTILE if n == 0 else values)


def _choice(good: str, *misses: str) -> st.SearchStrategy[str]:
    """The good value most of the time, so that a fair share of rows gets through both stages;
    otherwise a near miss (which may be good in its own way) or something hostile."""
    return _sometimes_hostile(st.sampled_from([good] * (6 * len(misses) + 1) + list(misses)))


def _row(register: Register) -> st.SearchStrategy[dict[str, str]]:
    base = good_row(register)
    scholings_ids = [
        str(register.offer.scholings_id),
        str(register.multi_year.scholings_id),
        str(register.excluded.scholings_id),
        str(register.foreign.scholings_id),
    ]
    cohort_codes = [register.cohort.code, register.flexible.code, register.closed.code, "AD-2025"]
    choices = {
        f.STUDENTNUMMER: _choice("S2026001", "A1", "x" * 20, "x" * 21),
        f.VOORNAAM: _choice("Anna", "Ö"),
        f.GEBOORTEDATUM: _choice("1990-05-17", "17-05-2008", "1959-12-01", "01-01-1900"),
        f.POSTCODE: _choice("1234 AB", "1234ab", "0123 AB", "1234"),
        f.HUISNUMMER: _choice("12", "12345", "123456", "12a"),
        f.LAND: _choice("", "NL", "nl", "BE", "XX"),
        f.EMAIL: _choice("", "anna@example.nl", "anna@", "a@b"),
        f.SCHOLINGS_ID: _choice(*scholings_ids),
        f.COHORTCODE: _choice(*cohort_codes),
        f.STARTDATUM: _choice("2027-01-11", "11-01-2027", "2027-02-15", "2026-10-15", "2025-09-01"),
        f.EINDDATUM: _choice("", "2027-06-30", "2027-01-10"),
        f.SUBSIDIEBEDRAG: _choice("900,00", "900.5", "1000", "1000,01", "0", "950", "1.000,00"),
        f.STUDIEJAAR_BEGIN: _choice("", "2026-09-01"),
        f.STUDIEJAAR_EIND: _choice("", "2027-08-31", "2026-09-01"),
    }
    return st.fixed_dictionaries(choices).map(lambda changes: base | changes)


@time_machine.travel(MOMENT, tick=False)
class AcceptedRowTests(WithRegister, TestCase):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_a_row_that_passes_both_stages_keeps_every_rule(self, data: st.DataObject) -> None:
        text = data.draw(_row(self.register))
        row = check_structure(RawRow(number=2, line=2, values=text))
        if row.values is None:
            self.assertTrue(row.rejected)
            return
        values = row.values
        self.assertRegex(values.studentnummer, r"^[A-Za-z0-9]{1,20}$")
        self.assertTrue(0 < len(values.first_name) <= 200)
        self.assertTrue(values.country == "NL" or values.country in COUNTRIES)
        if values.country == "NL":
            self.assertRegex(values.postcode, r"^[1-9][0-9]{3} [A-Z]{2}$")
            self.assertRegex(values.house_number, r"^[0-9]{1,5}$")
        self.assertEqual(values.amount, values.amount.quantize(Decimal("0.01")))
        if values.end_date is not None:
            self.assertGreaterEqual(values.end_date, values.start_date)
        self.assertEqual(values.study_year_start is None, values.study_year_end is None)
        if values.email:
            self.assertIsNotNone(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values.email))

        found, match = check_content(
            values,
            organisation_id=self.register.organisation.pk,
            facts=RegisterFacts(on=TODAY),
            today=TODAY,
        )
        if any(finding.is_error for finding in found) or match is None:
            event("refused by the register")
            return
        event("accepted")
        self.assertEqual(match.offer.organisation_id, self.register.organisation.pk)
        self.assertEqual(match.offer.not_eligible, ())
        self.assertTrue(match.cohort.is_open)
        self.assertTrue(0 < values.amount <= min(match.cohort.subsidisable_amount, STAP_MAXIMUM))
        counted_on = values.study_year_start or values.start_date
        if match.offer.is_multi_year:
            assert values.study_year_start is not None and values.study_year_end is not None
            self.assertGreaterEqual(values.study_year_start, match.cohort.start_date)
            self.assertLessEqual(values.study_year_end, match.cohort.end_date)
        else:
            self.assertIsNone(values.study_year_start)
            self.assertTrue(match.cohort.start_date <= values.start_date <= match.cohort.last_start)
            self.assertGreaterEqual(values.start_date, TODAY)
        self.assertGreaterEqual(counted_on, eighteenth_birthday(values.birth_date))
        self.assertLess(counted_on, aow_date(values.birth_date))
