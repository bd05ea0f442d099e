"""Checks on identity numbers with python-stdnum, each failure a Problem naming field and reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.util import isdigits

from gridgov.core.errors import ProblemList
from gridgov.registry.models import Sex


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str


@lru_cache(maxsize=65_536)
def region_existed(region: str, year: int) -> bool:
    """Whether the 6-digit region code was in use in that year, by python-stdnum's table.

    The answer depends on these two alone, but stdnum reads its table text again for every
    number: 40 % of a million-row import went there. A synthetic number born on 1 January
    asks stdnum the same question once per region and year. A code that names a province or
    city but no county (110001) makes stdnum raise KeyError: such a code is no birth place."""
    try:
        ric.get_birth_place(f"{region}{year:04d}01010000")
    except (InvalidComponent, KeyError):
        return False
    return True


# Most numbers arrive already compact; stdnum's compact() filters them a character at a time.
_COMPACT_ID = re.compile(r"\d{17}[\dX]")


def _ric_validate(raw: str) -> tuple[str, date]:
    """`ric.validate`, in its order and with its exceptions, asking the region through the cache;
    with the birth date it read, which stdnum would parse again."""
    number = raw if _COMPACT_ID.fullmatch(raw) else ric.compact(raw)
    if len(number) != 18:
        raise InvalidLength()
    if not isdigits(number[:-1]):
        raise InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    born = ric.get_birth_date(number)
    if not region_existed(number[:6], born.year):
        raise InvalidComponent()
    return number, born


# The oldest people ever recorded lived to about 122; an older birth date is a typing error.
MAX_AGE_YEARS = 125


def _birth_date_plausible(problems: ProblemList, born: date, field: str) -> bool:
    """A birth date that python-stdnum accepts may still lie in the future or too far back."""
    today = timezone.localdate()
    if born > today:
        problems.add(
            "birth_date_in_future",
            _("The ID number holds a birth date in the future (%(date)s).")
            % {"date": born.isoformat()},
            field=field,
        )
        return False
    if today.year - born.year > MAX_AGE_YEARS:
        problems.add(
            "implausible_age",
            _("The ID number holds a birth date more than %(n)d years ago (%(date)s).")
            % {"n": MAX_AGE_YEARS, "date": born.isoformat()},
            field=field,
        )
        return False
    return True


def resident_id_check(
    problems: ProblemList,
    raw: str,
    *,
    birth_date: date | None = None,
    sex: str = "",
    field: str = "id_number",
) -> ResidentId | None:
    """Validate an 18-digit resident ID; the birth date and sex it encodes must match any given."""
    try:
        number, encoded = _ric_validate(raw)
    except InvalidChecksum:
        problems.add("invalid_checksum", _("The ID number's check digit is wrong."), field=field)
        return None
    except InvalidComponent:
        try:
            born = ric.get_birth_date(raw)
        except ValidationError:
            problems.add(
                "invalid_birth_date",
                _("The ID number holds an impossible birth date."),
                field=field,
            )
        else:
            # A region code checked against a year to come says nothing: name the date.
            if not _birth_date_plausible(problems, born, field):
                return None
            problems.add(
                "invalid_region",
                _("The ID number's region code did not exist in its birth year."),
                field=field,
            )
        return None
    except ValidationError:
        problems.add(
            "invalid_format", _("An ID number is 17 digits and a check digit."), field=field
        )
        return None
    if not _birth_date_plausible(problems, encoded, field):
        return None
    derived_sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    ok = True
    if birth_date is not None and birth_date != encoded:
        problems.add(
            "birth_date_mismatch",
            _("The birth date does not match the ID number (%(date)s).")
            % {"date": encoded.isoformat()},
            field="birth_date",
        )
        ok = False
    if sex and sex != derived_sex:
        problems.add("sex_mismatch", _("The sex does not match the ID number."), field="sex")
        ok = False
    return ResidentId(number, encoded, derived_sex) if ok else None


_PHONE_SEPARATORS = re.compile(r"[\s()-]")


def phone_check(problems: ProblemList, raw: str, *, field: str = "phone") -> str:
    """Digits only, without +86; a mobile is 11 digits from 13x–19x, a landline 7–12 digits."""
    digits = _PHONE_SEPARATORS.sub("", raw)
    digits = digits.removeprefix("+86")
    if not digits:
        return ""
    if not digits.isdigit() or not 7 <= len(digits) <= 12:
        problems.add("invalid_phone", _("A phone number is 7 to 12 digits."), field=field)
        return ""
    if len(digits) == 11 and digits[0] == "1" and digits[1] not in "3456789":
        problems.add("invalid_phone", _("This is not a mobile number."), field=field)
        return ""
    return digits


def credit_code_check(problems: ProblemList, raw: str, *, field: str = "credit_code") -> str:
    try:
        return str(uscc.validate(raw))
    except InvalidChecksum:
        problems.add(
            "invalid_checksum", _("The credit code's check character is wrong."), field=field
        )
    except ValidationError:
        problems.add(
            "invalid_format",
            _("A unified social credit code is 18 digits and capital letters."),
            field=field,
        )
    return ""


def resident_id_normalise(raw: str) -> str:
    """The form the blind index is computed on: no spaces, capital X."""
    return str(ric.compact(raw)).upper()
