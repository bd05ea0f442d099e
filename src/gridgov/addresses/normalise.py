"""Turn a free-text Chinese address into comparable parts.

Real records write the same place many ways: with or without the province,
city and district, full-width digits, Chinese numerals, 栋/号楼/座 for 幢,
房 for 室, 2-1-302 for building-unit-room, and trailing filler such as
门口. Everything here is a pure function so the matcher and the library
generator agree on one canonical form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "〇零一二两三四五六七八九十百千"

ROAD_SUFFIXES = ("大街", "大道", "路", "街", "巷")
COMPOUND_SUFFIXES = (
    "小区", "花园", "新村", "家园", "公寓", "山庄", "新寓", "佳园", "雅居", "名邸", "苑", "里",
)  # fmt: skip
PROVINCE_PREFIXES = ("江苏省", "江苏")
CITY_PREFIXES = ("南京市", "南京")
# Districts merged away in 2013 still appear on old records.
OLD_DISTRICT_NAMES = {"白下区": "320104", "白下": "320104", "下关区": "320106", "下关": "320106"}
FILLERS = ("附近", "门口", "旁边", "对面", "楼下", "一带", "周边", "路口", "旁", "处", "内")

_NUMERAL_RUN = re.compile(rf"([{_CN}]+)(?=号|幢|栋|座|单元|室|房|层|楼|-|$)")
_BUILDING = re.compile(r"(\d+)(?:号楼|栋|座|幢|#楼?)")
_ROOM = re.compile(r"(\d+)(?:房间|房|室)")
_TRIPLE = re.compile(r"(\d+)-(\d+)-(\d+)$")
_PAIR = re.compile(r"(?<![\d-])(\d+)-(\d+)$")
_FLOOR = re.compile(r"(?<=单元)(\d+)(?:层|楼)(?=\d)|(?<=幢)(\d+)(?:层|楼)(?=\d)")
_NOISE = re.compile(r"[\s,，。、;；:：()（）\"'“”‘’]+")
_FILLER_TAIL = re.compile("(?:" + "|".join(FILLERS) + ")+$")
_PROVINCE = re.compile(r"^[^\d省]{2,3}省")
_CITY = re.compile(r"^[^\d市]{2,3}市(?!场)")
_PARTS = re.compile(
    r"(?P<place>\D*)(?:(?P<door>\d+)号)?(?P<tail>\D*)"
    r"(?:(?P<building>\d+)幢)?(?:(?P<unit>\d+)单元)?(?:(?P<room>\d+)室?)?"
)


def cn_to_int(text: str) -> int:
    """一〇八 → 108 digit by digit, 一百零八 → 108 and 十二 → 12 positionally."""
    if not any(ch in CN_UNITS for ch in text):
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, digit = 0, 0
    for ch in text:
        if ch in CN_UNITS:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
        else:
            digit = CN_DIGITS[ch]
    return total + digit


def int_to_cn(value: int, *, positional: bool) -> str:
    """The inverse, in either style; the test set writes numbers the way people do."""
    digits = "〇一二三四五六七八九"
    if not positional or value == 0:
        return "".join(digits[int(d)] for d in str(value))
    out, zero = "", False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = value // power % 10
        if d:
            if zero and out:
                out += "零"
            out += ("" if (unit == "十" and d == 1 and not out) else digits[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def to_halfwidth(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("—", "-").replace("－", "-")


def arabic_numerals(text: str) -> str:
    """Chinese numerals written as numbers (before 号, 幢, 单元, 室 … or at the end) → digits."""
    return _NUMERAL_RUN.sub(lambda m: str(cn_to_int(m.group(1))), text)


def canonical(text: str) -> str:
    """Half-width, Arabic numbers, 幢/单元/室 markers, no spaces, punctuation or filler."""
    text = _FILLER_TAIL.sub("", _NOISE.sub("", to_halfwidth(text)))
    text = arabic_numerals(text)
    text = _BUILDING.sub(r"\1幢", text)
    text = _ROOM.sub(r"\1室", text)
    text = _FLOOR.sub("", text)
    text = _TRIPLE.sub(r"\1幢\2单元\3室", text)
    return _PAIR.sub(r"\1幢\2室", text)


def road_stem(name: str) -> tuple[str, str]:
    """太平南路 → (太平南, 路): people swap 路/街/大街/大道/巷, so roads are keyed by the stem."""
    for suffix in ROAD_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def compound_key(name: str) -> str:
    """康居小区 and 康居 are one compound; the key drops the generic suffix."""
    for suffix in COMPOUND_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


_ROAD_SPLIT = re.compile("^(.+?(?:" + "|".join(ROAD_SUFFIXES) + "))(.*)$")
_NOT_AFTER_STEM = set("路街巷大道河桥门")


@dataclass(frozen=True, slots=True)
class Parsed:
    """The parts of one address; `district` is a code when the text named one."""

    district: str | None
    road: str
    compound: str
    door: int | None
    building: int | None
    unit: int | None
    room: int | None
    outside: bool = False
    stem_stripped: str = ""


@dataclass(frozen=True)
class Places:
    """Names to strip from the front: district names and stems, subdistricts, communities."""

    districts: Mapping[str, str]  # full name or stem → district code
    stems: frozenset[str]  # which keys of `districts` are bare stems
    areas: frozenset[str]  # subdistrict and community full names

    @classmethod
    def from_names(
        cls, districts: Mapping[str, str], areas: frozenset[str] = frozenset()
    ) -> Places:
        """`districts`: full name → code, e.g. 秦淮区 → 320104."""
        keys: dict[str, str] = dict(OLD_DISTRICT_NAMES)
        stems = {k for k in OLD_DISTRICT_NAMES if not k.endswith("区")}
        for name, code in districts.items():
            keys[name] = code
            for suffix in ("区", "县"):
                if name.endswith(suffix) and len(name) > 2:
                    keys[name[:-1]] = code
                    stems.add(name[:-1])
        return cls(keys, frozenset(stems), areas)


def _strip_prefix(text: str, options: tuple[str, ...]) -> str:
    for option in options:
        if text.startswith(option) and len(text) > len(option):
            return text[len(option) :]
    return text


def parse(text: str, places: Places, *, strip_stems: bool = True) -> Parsed | None:
    """Split an address into road, compound and numbers; None when it has no recognisable shape."""
    text = canonical(text)
    bare = _strip_prefix(_strip_prefix(text, PROVINCE_PREFIXES), CITY_PREFIXES)
    outside = _is_outside(text)
    district, stem = None, ""
    for length in (4, 3, 2):
        head = bare[:length]
        code = places.districts.get(head)
        if code is None or len(bare) <= length:
            continue
        if head in places.stems and (not strip_stems or bare[length] in _NOT_AFTER_STEM):
            continue
        district, bare = code, bare[length:]
        stem = head if head in places.stems else ""
        break
    for length in range(min(12, len(bare) - 1), 2, -1):
        if bare[:length] in places.areas:
            bare = bare[length:]
            stem = ""
            break
    match = _PARTS.fullmatch(bare)
    if match is None:
        return None
    place, tail = match["place"], match["tail"]
    door, building, unit, room = (
        int(match[k]) if match[k] else None for k in ("door", "building", "unit", "room")
    )
    if door is None and building is None and unit is None and room is not None:
        door, room = room, None
    split = _ROAD_SPLIT.match(place)
    road, compound = (split[1], split[2]) if split else ("", place)
    compound = compound or tail
    return Parsed(district, road, compound, door, building, unit, room, outside, stem)


def _is_outside(text: str) -> bool:
    """Names another province or city up front (上海市…, 江苏省苏州市…)."""
    province = _PROVINCE.match(text)
    if province is not None and province[0] not in PROVINCE_PREFIXES:
        return True
    city = _CITY.match(_strip_prefix(text, PROVINCE_PREFIXES))
    return city is not None and city[0] not in CITY_PREFIXES
