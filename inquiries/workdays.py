"""Working days in Belgium: weekends and the ten national public holidays do not count."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

from dateutil.easter import easter


@cache
def public_holidays(year: int) -> frozenset[date]:
    easter_sunday = easter(year)
    return frozenset(
        {
            date(year, 1, 1),  # New Year
            easter_sunday + timedelta(days=1),  # Easter Monday
            date(year, 5, 1),  # Labour Day
            easter_sunday + timedelta(days=39),  # Ascension
            easter_sunday + timedelta(days=50),  # Whit Monday
            date(year, 7, 21),  # National Day
            date(year, 8, 15),  # Assumption
            date(year, 11, 1),  # All Saints
            date(year, 11, 11),  # Armistice
            date(year, 12, 25),  # Christmas
        }
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start` (same time of day)."""
    moment = start
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if is_working_day(moment.date()):
            remaining -= 1
    return moment
