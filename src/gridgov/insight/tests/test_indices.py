"""The index arithmetic against a hand-worked example, and what counts as a sharp move."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.core.errors import InvalidInput
from gridgov.insight.indices import (
    ComponentSpec,
    Rule,
    check_components,
    combine,
    score,
    sharp_move,
)
from gridgov.insight.models import Direction, Normalisation

CLOSURE = ComponentSpec("closure_rate", Direction.HIGHER_BETTER, 50, Normalisation.RANGE, 60, 100)
EVENTS = ComponentSpec("events_per_1000", Direction.LOWER_BETTER, 30, Normalisation.RANGE, 0, 20)
CRIME = ComponentSpec("figure:crime", Direction.LOWER_BETTER, 20, Normalisation.PEERS)


def test_hand_worked_index() -> None:
    # closure 90 % in 60–100: (90 − 60) ÷ 40 = 0.75 → 75
    # events 4 per 1,000 in 0–20, lower better: 1 − 4 ÷ 20 = 0.8 → 80
    # crime 6 among areas at 2, 6 and 10, lower better: 1 − (6 − 2) ÷ (10 − 2) = 0.5 → 50
    # index (50 × 75 + 30 × 80 + 20 × 50) ÷ 100 = 71.5
    parts = [
        (50.0, score(90, CLOSURE, [])),
        (30.0, score(4, EVENTS, [])),
        (20.0, score(6, CRIME, [2, 6, 10])),
    ]
    assert [s for _, s in parts] == [75.0, 80.0, 50.0]
    assert combine(parts) == pytest.approx(71.5)


def test_a_missing_component_leaves_the_others_weighted_among_themselves() -> None:
    # (50 × 75 + 30 × 80) ÷ 80 = 76.875
    assert combine([(50, 75.0), (30, 80.0), (20, None)]) == pytest.approx(76.875)
    assert combine([(50, None)]) is None


def test_scores_are_clipped_and_equal_peers_are_all_best() -> None:
    assert score(40, CLOSURE, []) == 0.0
    assert score(120, CLOSURE, []) == 100.0
    assert score(3, CRIME, [3, 3]) == 100.0
    assert score(None, CLOSURE, []) is None


def test_weights_that_do_not_add_up_to_100_are_refused_with_the_sum() -> None:
    wrong = [CLOSURE, EVENTS]  # 50 + 30
    with pytest.raises(InvalidInput) as refused:
        check_components(wrong, {"closure_rate", "events_per_1000"})
    codes = [p.code for p in refused.value.problems]
    assert codes == ["weights_sum"]
    assert "80" in str(refused.value.problems[0].message)


def test_unknown_measures_and_empty_ranges_are_refused_together() -> None:
    bad = ComponentSpec("closure_rate", Direction.HIGHER_BETTER, 50, Normalisation.RANGE, 5, 5)
    with pytest.raises(InvalidInput) as refused:
        check_components([bad, CRIME, EVENTS], {"closure_rate", "events_per_1000"})
    assert {p.code for p in refused.value.problems} == {"unknown_measure", "bad_range"}


RULE = Rule(sd=2.0, pct=30.0, floor=5.0, min_history=6)


@given(
    base=st.floats(min_value=20, max_value=90),
    noise=st.lists(st.floats(min_value=-1, max_value=1), min_size=7, max_size=13),
    amplitude=st.floats(min_value=0, max_value=2.4),
)
def test_noise_raises_no_notice(base: float, noise: list[float], amplitude: float) -> None:
    """Values within ±a of a level never move 2a, so with a < floor ÷ 2 nothing is sharp."""
    series = [base + amplitude * n for n in noise]
    assert sharp_move(series[:-1], series[-1], RULE) is None


@given(
    base=st.floats(min_value=20, max_value=80),
    noise=st.lists(st.floats(min_value=-1, max_value=1), min_size=6, max_size=12),
    amplitude=st.floats(min_value=0, max_value=2.4),
    jump=st.floats(min_value=10, max_value=40),
    down=st.booleans(),
)
def test_a_jump_raises_a_notice(
    base: float, noise: list[float], amplitude: float, jump: float, down: bool
) -> None:
    """A jump of J ≥ floor + a (and > (sd + 1) a) leaves any history within ±a of its level:
    the mean is within a and the spread at most a."""
    history = [base + amplitude * n for n in noise]
    current = base - jump if down else base + jump
    move = sharp_move(history, current, RULE)
    assert move is not None
    assert (move.change < 0) == down


def test_month_on_month_and_a_short_history() -> None:
    steady = [60.0, 61.0, 60.0, 61.0, 60.0, 58.0]
    move = sharp_move(steady[:-1] + [90.0], 58.0, RULE)  # a spike last month, then back
    assert move is not None
    assert move.kind == "pct"
    assert sharp_move(steady[:-1] + [90.0], 58.0, RULE, month_on_month=False) is None
    # Fewer months than the rule asks for: nothing to compare with yet.
    assert sharp_move([60.0, 61.0], 90.0, RULE) is None


def test_the_shipped_indices_are_valid() -> None:
    from gridgov.insight.measures import FIGURE_PREFIX, registered_measures
    from gridgov.insight.shipped import FIGURE_KINDS, INDICES

    known = {m.code for m in registered_measures()} | {
        FIGURE_PREFIX + k["code"] for k in FIGURE_KINDS
    }
    for index in INDICES:
        check_components(index["components"], known)
