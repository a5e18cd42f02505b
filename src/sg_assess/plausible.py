"""Dates that cannot be right are refused with the reason, in one place (the store, the CLI and the app use it).

- The assessment date: not after today, and not absurdly long ago.
- A date of birth: not after the assessment date, and a child (under 18) on it.
- An unborn baby's due date: from a month before the assessment date (a late
  baby, a birth not yet recorded) to about ten months after it.
"""

from __future__ import annotations

import datetime as dt

from sg_assess.errors import ValidationError

OLDEST_ASSESSMENT_YEARS = 30
DUE_BEFORE = dt.timedelta(days=31)
DUE_AFTER = dt.timedelta(days=305)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def check_assessment_date(on: dt.date, today: dt.date) -> None:
    if on > today:
        raise ValidationError(f"the assessment date {on} is in the future (today is {today}); "
                              "an assessment is dated when it is made")
    oldest = _years_before(today, OLDEST_ASSESSMENT_YEARS)
    if on < oldest:
        raise ValidationError(f"the assessment date {on} is more than {OLDEST_ASSESSMENT_YEARS} years ago; "
                              "check the year")


def check_dob(dob: dt.date, on: dt.date) -> None:
    if dob > on:
        raise ValidationError(f"the date of birth {dob} is after the assessment date {on}; "
                              "for a pre-birth assessment use --unborn --due")
    if dob <= _years_before(on, 18):
        raise ValidationError(f"a child born on {dob} is 18 or older on the assessment date {on}; "
                              "these assessments are for children under 18")


def check_due(due: dt.date, on: dt.date) -> None:
    if due < on - DUE_BEFORE:
        raise ValidationError(f"the due date {due} is more than a month before the assessment date {on}; "
                              "if the baby has been born, give the date of birth instead")
    if due > on + DUE_AFTER:
        raise ValidationError(f"the due date {due} is more than ten months after the assessment date {on}; "
                              "check the year")
