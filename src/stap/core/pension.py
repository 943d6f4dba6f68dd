"""The AOW (state pension) age: from that day on a person can no longer get the STAP-budget
(used by the vooraanmelding rules and by the application's check).

The AOW age depends on the calendar year in which a person reaches it (Algemene Ouderdomswet,
art. 7a): someone reaches it in year Y when their birthday plus the AOW age of year Y falls in Y.
The table holds the ages set by law up to 2030 and keeps the last one for later years, which the
law sets five years ahead; update it when a new year is set.
"""

import calendar
import datetime as dt
from typing import Final

# Year → AOW age in (years, months), as published by the SVB.
AOW_AGES: Final[dict[int, tuple[int, int]]] = {
    2019: (66, 4),
    2020: (66, 4),
    2021: (66, 7),
    2022: (66, 7),
    2023: (66, 10),
    2024: (67, 0),
    2025: (67, 0),
    2026: (67, 0),
    2027: (67, 0),
    2028: (67, 3),
    2029: (67, 3),
    2030: (67, 3),
}
FIRST_YEAR: Final = min(AOW_AGES)
LAST_YEAR: Final = max(AOW_AGES)


def plus(day: dt.date, *, years: int, months: int = 0) -> dt.date:
    """``day`` moved on by whole years and months; the 29th of February, or the 31st in a
    shorter month, becomes the last day of the month."""
    month_index = day.month - 1 + months
    year = day.year + years + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _reached(birth_date: dt.date, year: int) -> dt.date:
    years, months = AOW_AGES[min(max(year, FIRST_YEAR), LAST_YEAR)]
    return plus(birth_date, years=years, months=months)


def aow_date(birth_date: dt.date) -> dt.date:
    """The day a person born on ``birth_date`` reaches the AOW age."""
    # No one reaches it before the year they turn 66, so the years before need no look.
    for year in range(max(FIRST_YEAR, birth_date.year + 66), LAST_YEAR + 1):
        reached = _reached(birth_date, year)
        if reached.year <= year:
            # Before the table's first year the person is long past the age anyway.
            return reached
    return _reached(birth_date, LAST_YEAR)


def eighteenth_birthday(birth_date: dt.date) -> dt.date:
    return plus(birth_date, years=18)
