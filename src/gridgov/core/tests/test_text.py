"""What text may be stored and what a name may hold (issue 8, items 2 and 9)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gridgov.core.text import name_problem, text_problem, unstorable_in

STORABLE = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))


@given(STORABLE)
def test_text_without_nul_or_surrogates_is_storable(value: str) -> None:
    assert text_problem(value) is None
    value.encode("utf-8")


@given(STORABLE, STORABLE, st.sampled_from(["\x00", "\ud800", "\udfff"]))
def test_a_nul_or_lone_surrogate_anywhere_is_found(before: str, after: str, bad: str) -> None:
    found = text_problem(before + bad + after)
    assert found is not None
    assert found[0] == ("null_character" if bad == "\x00" else "invalid_character")


def test_names_refuse_markup_and_control_characters() -> None:
    assert name_problem("秦淮区·夫子庙街道（一）") is None
    assert name_problem("a<b")[0] == "markup"  # type: ignore[index]
    for bad in ("\n", "\t", "\x7f", "\u202e", "\u2028", "\x00"):
        assert name_problem(f"第{bad}网格")[0] == "control_character"  # type: ignore[index]


def test_the_path_to_an_unstorable_string_in_json_is_named() -> None:
    data = {"a": [1, "ok", {"b": "x\x00"}], "c": "fine"}
    assert unstorable_in(data)[:2] == ("a.2.b", "null_character")  # type: ignore[index]
    assert unstorable_in({"k\ud800": 1})[:2] == ("k\ud800", "invalid_character")  # type: ignore[index]
    assert unstorable_in({"a": [1, 2.5, None, True, "ok"]}) is None
