from __future__ import annotations

import random
from collections import Counter

import pytest

from gridgov.addresses.actions import library_version_bump
from gridgov.addresses.matcher import matcher_index
from gridgov.addresses.models import Address
from gridgov.addresses.normalise import clean, road_stem
from gridgov.addresses.testset import variant
from gridgov.testing.tree import Tree

QUERIES = 2_000


def test_noisy_variants_match_their_address(library: Tree) -> None:
    """Prefix drops, number formats, 幢/栋/号楼/座, 2-1-302, typos, compound names: ≥ 98 % top-1."""
    index = matcher_index()
    rng = random.Random(11)
    picks = [rng.randrange(len(index)) for _ in range(QUERIES)]
    queries = [variant(index, pos, rng) for pos in picks]
    results = index.match_many(queries)
    wrong = Counter(
        m.status
        for m, pos in zip(results, picks, strict=True)
        if m.code != index.codes[pos].decode()
    )
    assert sum(wrong.values()) / QUERIES <= 0.02, wrong


def test_matched_result_names_code_label_grid_and_candidates(library: Tree) -> None:
    room = Address.objects.filter(level=4).select_related("road").first()
    assert room is not None
    text = f"南京市秦淮区{room.road.name}{room.door}号{room.building}栋{room.unit}单元{room.room}房"
    match = matcher_index().match(text)
    assert match.status == "matched"
    assert match.code == room.code
    assert match.grid == room.grid_code
    assert match.confidence == 1.0
    assert match.candidates[0].code == room.code
    assert room.road.name in match.label


def test_compound_name_instead_of_road_and_door(library: Tree) -> None:
    room = Address.objects.filter(level=4).exclude(compound="").first()
    assert room is not None
    match = matcher_index().match(f"{room.compound}{room.building}-{room.unit}-{room.room}")
    assert (match.status, match.code) == ("matched", room.code)


def test_missing_unit_still_finds_a_single_room(library: Tree) -> None:
    room = Address.objects.filter(level=4, unit=1).select_related("road").first()
    assert room is not None
    siblings = Address.objects.filter(
        road=room.road, door=room.door, building=room.building, room=room.room
    ).count()
    match = matcher_index().match(f"{room.road.name}{room.door}号{room.building}幢{room.room}室")
    if siblings == 1:
        assert (match.status, match.code) == ("matched", room.code)
        assert match.confidence < 1.0
    else:
        assert match.status == "ambiguous"
        assert room.code in {c.code for c in match.candidates}


def test_unknown_road_is_not_found(library: Tree) -> None:
    match = matcher_index().match("秦淮区不存在的地方路999号")
    assert (match.status, match.reason) == ("not_found", "road_not_found")


def test_unknown_door_is_not_found(library: Tree) -> None:
    road = Address.objects.select_related("road").first().road  # type: ignore[union-attr]
    match = matcher_index().match(f"{road.name}99999号")
    assert (match.status, match.reason) == ("not_found", "door_not_found")


def test_other_city_is_outside(library: Tree) -> None:
    assert matcher_index().match("上海市黄浦区南京东路1号").status == "outside_city"


def test_gibberish_is_not_found(library: Tree) -> None:
    assert matcher_index().match("1 2 3").status == "not_found"


def test_index_rebuilds_after_a_library_change(library: Tree) -> None:
    before = matcher_index()
    library_version_bump()
    assert matcher_index() is not before
    assert len(matcher_index()) == Address.objects.count()


def _room_on(road_name: str) -> Address:
    room = (
        Address.objects.filter(level=4, road__name=road_name).select_related("road").first()
        or Address.objects.filter(level=4).select_related("road").first()
    )
    assert room is not None
    return room


@pytest.mark.parametrize(
    "writing",
    [
        "{road}{door}号{b}撞{u}单原{r}是",  # input-method slips of the markers
        "{trad}{door}號{b}棟{u}單元{r}室",  # traditional characters
        "张先生 13912345678 {road}{door}号{b}栋{u}单元{r}",  # a contact around it
        "{b}幢{u}单元{r}室，{road}{door}号",  # the other order
        "{road}{door}-{b}-{u}-{r}",  # a spreadsheet's chain
        "{stem}{door}号{b}幢{u}单元{r}室",  # the road's suffix dropped
        "{moved}{door}号{b}幢{u}单元{r}室",  # 南太平路: the position word moved
    ],
)
def test_real_writings_match_and_explain(library: Tree, writing: str) -> None:
    room = _room_on("太平南路")
    road = room.road.name
    text = writing.format(
        road=road,
        trad=road.replace("东", "東").replace("长", "長"),
        stem=road_stem(road)[0],
        moved=road[2] + road[:2] + road[3:],
        door=room.door,
        b=room.building,
        u=room.unit,
        r=room.room,
    )
    match = matcher_index().match(text)
    assert (match.status, match.code) == ("matched", room.code), (text, match)
    place = next(part for name, part in match.elements if name in ("road", "compound"))
    assert place in clean(text)  # the explanation names the place as it was written


@pytest.mark.parametrize("road", ["太苹南路", "大平南路"])  # a homophone, a shape-alike
def test_a_slip_in_a_real_name_still_matches(library: Tree, road: str) -> None:
    room = _room_on("太平南路")
    assert room.road.name == "太平南路"
    text = f"{road}{room.door}号{room.building}幢{room.unit}单元{room.room}室"
    match = matcher_index().match(text)
    assert (match.status, match.code) == ("matched", room.code)
    assert match.confidence < 1.0


def test_ignored_text_is_returned(library: Tree) -> None:
    room = _room_on("太平南路")
    match = matcher_index().match(f"{room.road.name}{room.door}号（家里有老人）")
    assert match.status == "matched"
    assert match.ignored == ("(家里有老人)",)


@pytest.mark.parametrize("road", ["洪武路", "莫愁路", "太平北路", "太平南门路"])
def test_a_real_road_missing_from_the_library_does_not_snap(library: Tree, road: str) -> None:
    """太平北路 is not a typo of 太平南路: a position word makes another road."""
    door = _room_on("太平南路").door
    assert matcher_index().match(f"{road}{door}号").status != "matched"


def test_a_number_that_fits_no_element_is_not_matched_confidently(library: Tree) -> None:
    """A second room number (…501室502室) conflicts: neither is the answer for sure."""
    room = _room_on("太平南路")
    text = f"{room.road.name}{room.door}号{room.building}幢{room.unit}单元"
    text += f"{room.room}室{(room.room or 0) + 1}室"
    match = matcher_index().match(text)
    assert (match.status, match.reason) == ("ambiguous", "unread_number")


@pytest.mark.parametrize(
    "text", ["", "   ", "🙂🙂", "\x00\x07", "这是一段很长的话" * 40, "上海市黄浦区南京东路1号"]
)
def test_bad_input_answers_with_a_status(library: Tree, text: str) -> None:
    match = matcher_index().match(text)
    assert match.status in ("not_found", "outside_city")
    assert match.reason
