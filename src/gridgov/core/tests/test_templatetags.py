from datetime import timedelta

from gridgov.core.templatetags.gridgov import minutes, percent, thousands


def test_percent_keeps_small_overlaps_visible():
    assert percent(0.4) == "40%"
    assert percent(1.0) == "100%"
    assert percent(0.004) == "<1%"
    assert percent(0.0) == "0%"
    assert percent(None) == ""


def test_minutes_rounds_up_to_at_least_one():
    assert minutes(timedelta(minutes=30)) == 30
    assert minutes(timedelta(seconds=5)) == 1
    assert minutes(None) == 0


def test_thousands_shows_unknown_as_a_dash():
    assert thousands(None) == "—"
    assert thousands(12545) in {"12,545", "12545"}
