import csv
import io

from django.test import SimpleTestCase

from hypothesis import given
from hypothesis import strategies as st

from stap.core.csv_export import csv_rows, neutralise


class NeutraliseTests(SimpleTestCase):
    def test_cells_that_a_spreadsheet_would_run_as_a_formula_are_prefixed(self) -> None:
        for value in ("=SUM(A1)", "+31", "-2", "@cmd", "\tx"):
            with self.subTest(value=value):
                self.assertEqual(neutralise(value), "'" + value)

    def test_ordinary_cells_are_left_alone(self) -> None:
        self.assertEqual(neutralise("Jansen"), "Jansen")
        self.assertEqual(neutralise(None), "")
        self.assertEqual(neutralise(750), "750")

    @given(st.lists(st.lists(st.text(max_size=20), min_size=2, max_size=2), max_size=5))
    def test_every_row_reads_back_with_no_cell_starting_a_formula(
        self, rows: list[list[str]]
    ) -> None:
        text = "".join(csv_rows(["a", "b"], rows)).removeprefix("\ufeff")
        parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        self.assertEqual(len(parsed), len(rows) + 1)
        for row in parsed[1:]:
            for cell in row:
                self.assertFalse(cell.startswith(("=", "+", "-", "@")))
