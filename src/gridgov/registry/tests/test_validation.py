"""The cached resident-ID check must answer exactly as python-stdnum's own validate."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent, ValidationError

from gridgov.core.errors import ProblemList
from gridgov.registry.validation import _ric_validate, resident_id_check

REGIONS = st.one_of(
    st.sampled_from(["320104", "320102", "110101", "360426", "320111", "441900"]),
    st.text("0123456789", min_size=6, max_size=6),
)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    body = (
        draw(REGIONS)
        + f"{draw(st.integers(1890, 2035)):04d}"
        + f"{draw(st.integers(0, 13)):02d}"
        + f"{draw(st.integers(0, 32)):02d}"
        + f"{draw(st.integers(0, 999)):03d}"
    )
    number = body + ric.calc_check_digit(body + "0")
    if draw(st.booleans()):
        number = body + draw(st.sampled_from("0123456789X"))
    return draw(st.sampled_from([number, number[:-2], f" {number.lower()} ", number + "1"]))


def _outcome(validate, raw: str) -> str | type[ValidationError]:
    try:
        return str(validate(raw))
    except ValidationError as exc:
        return type(exc)
    except KeyError:
        # stdnum's own answer for a region code with no county (110001); ours is a refusal.
        return InvalidComponent


@given(id_numbers())
def test_the_cached_check_answers_as_stdnum_does(raw: str) -> None:
    assert _outcome(lambda n: _ric_validate(n)[0], raw) == _outcome(ric.validate, raw)


def test_a_region_code_without_a_county_is_refused_not_a_crash() -> None:
    problems = ProblemList()
    body = "11000119900101001"
    assert resident_id_check(problems, body + ric.calc_check_digit(body + "0")) is None
    assert [p.code for p in problems.problems] == ["invalid_region"]


def _valid(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def test_a_birth_date_in_the_future_is_refused() -> None:
    problems = ProblemList()
    assert resident_id_check(problems, _valid("32010420991231001")) is None
    assert [(p.code, p.field) for p in problems.problems] == [("birth_date_in_future", "id_number")]
    assert "2099-12-31" in str(problems.problems[0].message)


def test_tomorrow_is_in_the_future_and_today_is_not() -> None:
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    problems = ProblemList()
    assert resident_id_check(problems, _valid(f"320104{tomorrow:%Y%m%d}001")) is None
    assert [p.code for p in problems.problems] == ["birth_date_in_future"]
    assert resident_id_check(ProblemList(), _valid(f"320104{today:%Y%m%d}001")) is not None


def test_an_implausible_age_is_refused() -> None:
    problems = ProblemList()
    assert resident_id_check(problems, _valid("32010418800101001")) is None
    assert [p.code for p in problems.problems] == ["implausible_age"]
    assert resident_id_check(ProblemList(), _valid("11010119300101001")) is not None
