from __future__ import annotations

import random

from rapidfuzz import fuzz, process

from gridgov.addresses.generate import NAME_CHARS
from gridgov.addresses.matcher import FUZZ_CUTOFF, POSITION_CHARS, SAME_SHAPE, _Names
from gridgov.addresses.normalise import Places, parse
from gridgov.addresses.shapes import GROUPS, shape


def test_a_shape_slip_keeps_the_key() -> None:
    assert shape("建唐") == shape("建康")
    assert shape("焦庆") == shape("集庆")
    assert shape("建康") != shape("建国")


def test_no_group_joins_two_position_words() -> None:
    """东 and 西 make two roads; a shape group must not make them one."""
    roots = [shape(ch) for ch in POSITION_CHARS]
    assert len(set(roots)) == len(roots)
    assert all(sum(ch in POSITION_CHARS for ch in group) <= 1 for group in GROUPS)


def test_a_short_name_is_found_by_its_shape_and_remembered() -> None:
    names = _Names()
    names.add("建康", 7, "320104")
    names.add("集庆", 8, "320104")
    found = names.find("建唐", None)
    assert found == [(7, SAME_SHAPE)]
    found.append((9, 1.0))  # a caller's list is its own: the memo keeps the answer
    assert names.find("建唐", None) == [(7, SAME_SHAPE)]


def test_a_word_read_twice_reads_the_same() -> None:
    places = Places.from_names({"秦淮区": "320104"})
    first = parse("南京市秦淮区太平南路18号3幢", places)
    assert parse("南京市秦淮区太平南路18号3幢", places) == first
    assert first is not None
    assert (first.district, first.road) == ("320104", "太平南路")


def test_fuzzy_search_scores_only_names_that_can_reach_the_cutoff() -> None:
    """The district's block, cut to names sharing enough characters, answers as the whole."""
    rng = random.Random(5)
    names = _Names()
    for i in range(400):
        names.add("".join(rng.choices(NAME_CHARS[:40], k=rng.randint(2, 5))), i, "320104")
    block = names.by_district["320104"]
    for key in ("".join(rng.choices(NAME_CHARS[:40], k=rng.randint(2, 6))) for _ in range(200)):
        whole = process.extract(key, block, scorer=fuzz.ratio, limit=3, score_cutoff=FUZZ_CUTOFF)
        cut = process.extract(
            key, names._sharing(key, "320104"), scorer=fuzz.ratio, limit=3, score_cutoff=FUZZ_CUTOFF
        )
        assert [(n, s) for n, s, _ in cut] == [(n, s) for n, s, _ in whole], key
