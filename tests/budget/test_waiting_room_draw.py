"""The draw at the opening: random places that anyone can recompute from what was published."""

import io
import random
from contextlib import redirect_stdout
from pathlib import Path
from tempfile import TemporaryDirectory

from django.test import SimpleTestCase

from hypothesis import given
from hypothesis import strategies as st

from stap.budget.waiting_room.draw import commitment, draw_order, main, matches, new_seed

SEED = "00" * 31 + "01"
entries = st.lists(st.text("0123456789ABCDEF", min_size=1, max_size=12), unique=True, max_size=50)


class DrawTests(SimpleTestCase):
    def test_the_published_algorithm_gives_the_same_order_it_always_did(self) -> None:
        # A published draw must stay recomputable: this vector may never change.
        self.assertEqual(
            commitment(SEED), "ec4916dd28fc4c10d78e287ca5d9cc51ee1ae73cbfde08c6b37324cbfaac8bc5"
        )
        self.assertEqual(
            draw_order(SEED, ["A1", "B2", "C3", "D4", "E5"]), ["D4", "E5", "C3", "B2", "A1"]
        )

    def test_a_seed_matches_only_the_commitment_published_for_it(self) -> None:
        seed = new_seed()

        self.assertTrue(matches(seed, commitment(seed)))
        self.assertTrue(matches(seed, commitment(seed).upper()))
        self.assertFalse(matches(new_seed(), commitment(seed)))

    def test_a_seed_of_the_wrong_length_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            commitment("abcd")

    @given(entries)
    def test_the_order_depends_on_the_seed_and_not_on_who_came_first(
        self, waiting: list[str]
    ) -> None:
        shuffled = list(waiting)
        random.Random(7).shuffle(shuffled)

        order = draw_order(SEED, waiting)

        self.assertEqual(order, draw_order(SEED, shuffled))
        self.assertCountEqual(order, waiting)

    def test_another_seed_gives_another_order(self) -> None:
        waiting = [f"{number:06d}" for number in range(1_000)]

        self.assertNotEqual(draw_order(SEED, waiting), draw_order(new_seed(), waiting))

    def test_anyone_can_recompute_a_published_draw_from_the_seed_and_the_entries(self) -> None:
        with TemporaryDirectory() as folder:
            path = Path(folder) / "entries.txt"
            path.write_text("A1\nB2\n\nC3\nD4\nE5\n", encoding="ascii")
            out = io.StringIO()

            with redirect_stdout(out):
                code = main([SEED, str(path)])

        self.assertEqual(code, 0)
        self.assertEqual(out.getvalue().splitlines(), ["1 D4", "2 E5", "3 C3", "4 B2", "5 A1"])
