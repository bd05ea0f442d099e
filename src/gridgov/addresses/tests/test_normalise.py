from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.addresses.normalise import (
    Places,
    arabic_numerals,
    clean,
    cn_to_int,
    int_to_cn,
    parse,
    road_stem,
)

PLACES = Places.from_names(
    {"秦淮区": "320104", "建邺区": "320105"}, frozenset({"夫子庙街道", "莲子营社区"})
)


@given(st.integers(min_value=0, max_value=9999))
def test_positional_numerals_round_trip(value: int) -> None:
    assert cn_to_int(int_to_cn(value, positional=True)) == value


@given(st.integers(min_value=0, max_value=10**6))
def test_digit_by_digit_numerals_round_trip(value: int) -> None:
    assert cn_to_int(int_to_cn(value, positional=False)) == value


@given(st.integers(min_value=1, max_value=9999), st.booleans())
def test_numerals_before_a_marker_become_digits(value: int, positional: bool) -> None:
    assert arabic_numerals(f"太平南路{int_to_cn(value, positional=positional)}号") == (
        f"太平南路{value}号"
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一〇八", 108),
        ("一百零八", 108),
        ("十二", 12),
        ("二十", 20),
        ("两百", 200),
        ("三零二", 302),
    ],
)
def test_cn_to_int(text: str, value: int) -> None:
    assert cn_to_int(text) == value


def test_numerals_inside_names_stay() -> None:
    assert arabic_numerals("三山街五号") == "三山街5号"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("太平南路１０８号", "太平南路108号"),
        ("中山東路18號3棟2單元", "中山东路18号3栋2单元"),
        ("康居小区二幢一单元三〇二室", "康居小区2幢1单元302室"),
        ("3撞2单原501是", "3栋2单元501室"),
        ("18弓3憧2单无501空", "18号3幢2单元501室"),  # shape-alikes from a handwriting pad
        ("18亏3陈2車元501窒", "18号3栋2单元501室"),
        ("13912345678陈先生", "13912345678陈先生"),  # a surname after a number stays
        ("五零幺", "501"),
        ("📍太平南路", " 太平南路"),
    ],
)
def test_clean(text: str, expected: str) -> None:
    assert clean(text) == expected


def _numbers(text: str) -> tuple[str, str, int | None, int | None, int | None, int | None]:
    parsed = parse(text, PLACES)
    assert parsed is not None, text
    return (
        parsed.road,
        parsed.compound,
        parsed.door,
        parsed.building,
        parsed.unit,
        parsed.room,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("康居小区2栋1单元302房", ("", "康居小区", None, 2, 1, 302)),
        ("康居小区2号楼1单元302", ("", "康居小区", None, 2, 1, 302)),
        ("康居小区3#楼", ("", "康居小区", None, 3, None, None)),
        ("康居小区２－１－３０２", ("", "康居小区", None, 2, 1, 302)),
        ("康居小区 2幢 1单元 3楼302", ("", "康居小区", None, 2, 1, 302)),
        ("太平南路18号3栋2单元5层01", ("太平南路", "", 18, 3, 2, 501)),
        ("太平南路18-3-2-501", ("太平南路", "", 18, 3, 2, 501)),
        ("3幢2单元501室，太平南路18号", ("太平南路", "", 18, 3, 2, 501)),
        ("嗯，就是太平南路十八号，三栋两单元，五零幺", ("太平南路", "", 18, 3, 2, 501)),
        ("康居花园（太平南路18号）3幢", ("太平南路", "康居花园", 18, 3, None, None)),
        ("康居花园二期3幢2单元501室", ("", "康居花园", None, 3, 2, 501)),
        ("康居花园东区3幢", ("", "康居花园", None, 3, None, None)),
        ("太平南18号", ("", "太平南", 18, None, None, None)),
    ],
)
def test_elements_in_many_writings(text: str, expected: tuple[object, ...]) -> None:
    assert _numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "ignored"),
    [
        ("张先生 13912345678 太平南路18号", ["13912345678", "张先生"]),
        ("太平南路18号对面", ["对面"]),
        ("新街口往南200米太平南路18号", ["新街口往南200米"]),
        ("华润超市旁边太平南路18号", ["华润超市旁边"]),
        ("太平南路18号3幢（家里有老人）", ["(家里有老人)"]),
    ],
)
def test_text_around_the_address_is_ignored_and_kept(text: str, ignored: list[str]) -> None:
    parsed = parse(text, PLACES)
    assert parsed is not None
    assert (parsed.road, parsed.door) == ("太平南路", 18)
    assert list(parsed.ignored) == ignored


def test_elements_are_listed_in_reading_order() -> None:
    parsed = parse("江苏省南京市秦淮区太平南路108号2幢1单元302室", PLACES)
    assert parsed is not None
    assert [name for name, _ in parsed.elements] == [
        "province", "city", "district", "road", "door", "building", "unit", "room",
    ]  # fmt: skip


@given(st.text(max_size=300))
def test_parse_never_crashes(text: str) -> None:
    parsed = parse(text, PLACES)
    assert parsed is None or isinstance(parsed.ignored, tuple)


_NAME = st.text(alphabet="安宝碧彩昌辰成澄春淳翠丹德鼎", min_size=2, max_size=4)


@given(
    _NAME,
    st.sampled_from(["路", "街", "大街", "巷"]),
    _NAME,
    st.sampled_from(["小区", "花园", "新村", "家园"]),
    st.integers(1, 999),
    st.integers(1, 40),
    st.integers(1, 9),
    st.integers(101, 3404),
)
def test_canonical_address_round_trips(
    stem: str, suffix: str, key: str, kind: str, door: int, building: int, unit: int, room: int
) -> None:
    text = f"南京市秦淮区{stem}{suffix}{door}号{key}{kind}{building}幢{unit}单元{room}室"
    parsed = parse(text, PLACES)
    assert parsed is not None
    assert (parsed.district, parsed.road, parsed.compound) == ("320104", stem + suffix, key + kind)
    assert (parsed.door, parsed.building, parsed.unit, parsed.room) == (door, building, unit, room)
    assert parsed.ignored == ()


@pytest.mark.parametrize(
    ("name", "stem"),
    [("太平南路", "太平南"), ("应天大街", "应天"), ("玄武大道", "玄武"), ("剪子巷", "剪子")],
)
def test_road_stem(name: str, stem: str) -> None:
    assert road_stem(name)[0] == stem


@pytest.mark.parametrize(
    "text",
    [
        "江苏省南京市秦淮区太平南路108号2幢1单元302室",
        "南京市秦淮区太平南路108号2幢1单元302室",
        "南京秦淮太平南路108号2幢1单元302室",
        "秦淮区夫子庙街道太平南路108号2幢1单元302室",
        "太平南路108号2幢1单元302室",
    ],
)
def test_prefixes_are_stripped(text: str) -> None:
    parsed = parse(text, PLACES)
    assert parsed is not None
    assert (parsed.road, parsed.door, parsed.building, parsed.unit, parsed.room) == (
        "太平南路",
        108,
        2,
        1,
        302,
    )


def test_district_and_old_name() -> None:
    assert parse("南京秦淮太平南路1号", PLACES).district == "320104"  # type: ignore[union-attr]
    assert parse("白下区太平南路1号", PLACES).district == "320104"  # type: ignore[union-attr]


def test_a_stem_before_a_road_suffix_is_a_road() -> None:
    parsed = parse("秦淮大街12号", PLACES)
    assert parsed is not None
    assert (parsed.district, parsed.road, parsed.door) == (None, "秦淮大街", 12)


def test_compound_instead_of_road() -> None:
    parsed = parse("康居小区2-1-302", PLACES)
    assert parsed is not None
    assert (parsed.road, parsed.compound, parsed.building, parsed.room) == ("", "康居小区", 2, 302)


def test_road_door_and_compound() -> None:
    parsed = parse("太平南路108号康居小区3幢", PLACES)
    assert parsed is not None
    assert (parsed.road, parsed.door, parsed.compound, parsed.building) == (
        "太平南路",
        108,
        "康居小区",
        3,
    )


@pytest.mark.parametrize("text", ["上海市浦东新区世纪大道1号", "江苏省苏州市姑苏区人民路1号"])
def test_other_cities_are_outside(text: str) -> None:
    parsed = parse(text, PLACES)
    assert parsed is not None
    assert parsed.outside


def test_nanjing_is_not_outside() -> None:
    parsed = parse("江苏省南京市秦淮区太平南路1号", PLACES)
    assert parsed is not None
    assert not parsed.outside
