"""Turn a free-text Chinese address into the elements of the address model.

GB/T 23705 and the civil-affairs place-name model write an address as
elements from the largest to the smallest: province, city, district,
subdistrict and community, road, door number, compound and its phase,
building, unit, floor, room. Records write them in any order, with missing
elements, many markers (栋/幢/号楼/#/座, 室/房/户, traditional 號/棟/單元,
IME slips such as 撞 or 单原), numbers in every notation and dash chains
from spreadsheets (12-3-502), between text that is not the address at all:
a caller's name and phone, a landmark, a note in brackets. `parse` finds
the elements by their markers, keeps what it ignored so a person can see
why, and is pure, so the matcher and the library generator agree.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import opencc

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4}
CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "〇零一幺二两三四五六七八九十百千"

ROAD_SUFFIXES = ("大街", "大道", "路", "街", "巷", "弄")
COMPOUND_SUFFIXES = (
    "小区", "花园", "新村", "家园", "公寓", "山庄", "新寓", "佳园", "雅居", "名邸", "苑", "里",
)  # fmt: skip
PROVINCE_PREFIXES = ("江苏省", "江苏")
CITY_PREFIXES = ("南京市", "南京")
# Districts merged away in 2013 still appear on old records.
OLD_DISTRICT_NAMES = {"白下区": "320104", "白下": "320104", "下关区": "320106", "下关": "320106"}
# Words around an address that place it but are not part of it.
FILLERS = (
    "斜对面", "对面", "附近", "门口", "旁边", "楼下", "一带", "周边", "路口", "东侧", "西侧",
    "南侧", "北侧", "后面", "里面", "隔壁", "旁", "处", "内",
)  # fmt: skip
# Hotline openings and contact words that precede or follow the address.
LEADS = (
    "联系电话", "联系人", "电话", "手机", "地址是", "地址", "住址", "我家在", "我家", "住在",
    "家住", "就在", "就是", "那个", "嗯", "位于", "在",
)  # fmt: skip
_T2S = opencc.OpenCC("t2s")


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


_MARK = r"号|號|幢|栋|座|单元|室|房|户|层|楼|期|#|-|F"
_NUMERAL_RUN = re.compile(
    rf"([{_CN}]+)(?={_MARK}|[\s,，、/]|$|" + "|".join(FILLERS) + ")"
    r"|([〇零一幺二两三四五六七八九]{3,})"
)
# IME slips of the markers themselves, only right after a number: homophones, and
# shape-alikes from a handwriting pad (docs/address-variants.md). A surname (陈) or a
# common word (亏) counts only between two numbers.
_MARKER_SLIPS = (
    (re.compile(rf"(?<=[\d{_CN}])(?:撞|洞|动|冻|拣|炼|练)"), "栋"),
    (re.compile(rf"(?<=[\d{_CN}])陈(?=[\d{_CN}])"), "栋"),
    (re.compile(rf"(?<=[\d{_CN}])(?:憧|瞳|潼|僮)"), "幢"),
    (re.compile(rf"(?<=[\d{_CN}])(?:单原|单远|担元|单园|丹元|单无|单亓|单兀|车元)"), "单元"),
    (re.compile(rf"(?<=[\d{_CN}])(?:好|豪|弓|兮)(?!楼)"), "号"),
    (re.compile(rf"(?<=[\d{_CN}])亏(?=[\d{_CN}])"), "号"),
    (re.compile(r"(?<=\d)(?:是|市|式|事|空|窒)(?=[^\u4e00-\u9fff]|$)"), "室"),
)


def _any_of(chars: str) -> Callable[[str], re.Match[str] | None]:
    """A test for any of `chars` in a text: a character class scans without making strings."""
    return re.compile("[" + re.escape(chars) + "]").search


# The slips' own characters; not 元, which every 单元 has.
_HAS_SLIP = _any_of("撞洞动冻拣炼练陈憧瞳潼僮原远园担丹车无亓兀好豪弓兮亏是市式事空窒")
_HAS_CN = _any_of(_CN)
_HAS_NUMBER = re.compile(r"\d|[" + "".join(CN_DIGITS) + "]").search
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
_HAS_OPENER = _any_of("([{【（「『<《")
_BRACKETS = re.compile(r"[(\[{【（「『<《]([^)\]}】）」』>》]*)[)\]}】）」』>》]?")
_DISTANCE = re.compile(r"[^\s往向朝]{0,8}[往向朝][东南西北]+走?(?:约?\d+米)?|约?\d+米处?")
_KEEP_BRACKET = re.compile(r"\d+(?:号|-)")
_LANDMARK = re.compile("^.*(?:" + "|".join(FILLERS[:-3]) + r"|[往向朝][东南西北]+)")
_TITLE = "先生|女士|小姐|师傅|阿姨|大爷|老师"
_PERSON = re.compile(rf"[^\s\d]{{1,3}}?(?:{_TITLE})")
# Cheap tests that let most texts skip a pattern: (pattern, characters it needs).
_SET_ASIDE = (
    (_PHONE, _any_of("0123456789")),
    (_PERSON, _any_of("生士姐傅姨爷师")),
    (_DISTANCE, _any_of("往向朝米")),
)
_UNPRINTABLE = re.compile(
    r"[^\w\s#\-" + re.escape(string.punctuation) + "，。、；：（）【】《》「」『』“”‘’～！？]"
)
_PIECE = re.compile(r"[^\s,，。、;；:：\"'“”‘’/\\|~～!！?？*]+")
_ELEMENT = re.compile(
    r"(?=\d)(?:"
    r"(?P<chain>\d+(?:-\d+){1,3})(?:室|房)?"
    r"|(?P<building>\d+)(?:号楼|幢|栋|座|#楼?|楼(?=\d+单元))"
    r"|(?P<door>\d+)号"
    r"|(?P<unit>\d+)单元"
    r"|(?P<floor>\d+)(?:层|楼|F)(?=\d)"
    r"|(?P<phase>\d+)期"
    r"|(?P<room>\d+)(?:室|房间|房|户)?)"
)
_ROAD = re.compile("^(.+?(?:" + "|".join(ROAD_SUFFIXES) + "))(?![口头])(.*)$")
_NOT_AFTER_STEM = set("路街巷大道河桥门")
_FILLER_TAIL = re.compile("(?:" + "|".join(FILLERS) + ")+$")
_LEAD = re.compile("^(?:" + "|".join(LEADS) + ")+")
_PROVINCE = re.compile(r"^[^\d省]{2,3}省")
_CITY = re.compile(r"^[^\d市]{2,3}市")
_NOT_CITY = ("超市", "菜市", "门市", "集市", "夜市", "城市")
_ZONE = re.compile("[东南西北]区$")


def to_halfwidth(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("—", "-").replace("－", "-")


def arabic_numerals(text: str) -> str:
    """Chinese numerals written as numbers (before 号, 幢, 单元, 室 … or at the end) → digits."""
    return _NUMERAL_RUN.sub(lambda m: str(cn_to_int(m[1] or m[2])), text)


def clean(text: str) -> str:
    """Simplified, half-width, printable, Arabic numbers and the markers spelled right."""
    # Unprintables go first: opencc cannot encode a lone surrogate a JSON body may carry.
    text = _T2S.convert(_UNPRINTABLE.sub(" ", to_halfwidth(text))).replace("_", " ")
    if _HAS_SLIP(text):
        for pattern, marker in _MARKER_SLIPS:
            text = pattern.sub(marker, text)
    return arabic_numerals(text) if _HAS_CN(text) else text


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


@dataclass(frozen=True, slots=True)
class Parsed:
    """The elements of one address; `district` is a code when the text named one.

    `elements` lists what was recognised as (element, text) in reading order
    and `ignored` the text that was not part of the address.
    """

    district: str | None
    road: str
    compound: str
    door: int | None
    building: int | None
    unit: int | None
    room: int | None
    outside: bool = False
    stem_stripped: str = ""
    floor: int | None = None
    phase: str = ""
    elements: tuple[tuple[str, str], ...] = ()
    ignored: tuple[str, ...] = ()
    unread_number: bool = False  # a number in the address's text that fits no element


@dataclass(frozen=True)
class Places:
    """Names to strip from the front: district names and stems, subdistricts, communities."""

    districts: Mapping[str, str]  # full name or stem → district code
    stems: frozenset[str]  # which keys of `districts` are bare stems
    areas: frozenset[str]  # subdistrict and community full names
    # What each word between numbers says by itself (`_read_word`), by (word, strip_stems):
    # road and place names repeat from one address to the next, their numbers do not.
    words: dict[tuple[str, bool], _Word] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

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


@dataclass
class _Reading:
    """What `parse` has found so far, as it reads the text's pieces."""

    elements: list[tuple[int, str, str]]  # (offset, element, text)
    ignored: list[str]
    district: str | None = None
    stem: str = ""
    outside: bool | None = None  # decided by the first word


def _set_aside(text: str, reading: _Reading) -> str:
    """Phones, contact persons, distances and notes in brackets are not the address."""

    def bracket(m: re.Match[str]) -> str:
        inside = m[1]
        if _KEEP_BRACKET.search(inside):
            return f" {inside} "
        if inside.strip():
            reading.ignored.append(m[0])
        return " "

    def drop(m: re.Match[str]) -> str:
        reading.ignored.append(m[0])
        return " "

    text = _BRACKETS.sub(bracket, text) if _HAS_OPENER(text) else text
    for pattern, needs in _SET_ASIDE:
        if needs(text):
            text = pattern.sub(drop, text)
    return text


@dataclass(frozen=True, slots=True)
class _Word:
    """One word between numbers, read without its neighbours; `parse` applies it in context."""

    lead: str  # a hotline opening or contact word before it, ignored
    outside: bool  # another province or city, if this is the address's first word
    admin: tuple[tuple[int, str, str], ...]  # (offset in the word, element, text)
    district: str | None
    stem: str | None  # the district stem to remember, "" to forget it, None to leave it
    shift: int  # characters read off the front
    tail: str  # a landmark word at its end, ignored
    word: str  # what is left to read as a road or a compound
    road: tuple[str, str, str] | None  # (road, rest, landmark before it) when it names one


# Words remembered before the memo starts over: about 300 bytes each, 30 MB at the most.
WORDS_MEMO = 100_000


def _read_word(raw: str, places: Places, strip_stems: bool) -> _Word:
    """The word's reading, remembered: most words are a road or a compound read before."""
    known = places.words.get((raw, strip_stems))
    if known is None:
        if len(places.words) >= WORDS_MEMO:
            places.words.clear()
        known = places.words[raw, strip_stems] = _read_new_word(raw, places, strip_stems)
    return known


def _read_new_word(raw: str, places: Places, strip_stems: bool) -> _Word:
    """Lead words, province, city, district and area off the front, a landmark off the end,
    and the road split off what is left."""
    word = _LEAD.sub("", raw) if raw.startswith(LEADS) else raw
    lead = raw[: len(raw) - len(word)]
    province = _PROVINCE.match(word)
    city = _CITY.match(_strip_prefix(word, PROVINCE_PREFIXES))
    outside = (province is not None and province[0] not in PROVINCE_PREFIXES) or (
        city is not None and city[0] not in CITY_PREFIXES and not city[0].endswith(_NOT_CITY)
    )
    admin: list[tuple[int, str, str]] = []
    offset = 0
    for prefixes, element in ((PROVINCE_PREFIXES, "province"), (CITY_PREFIXES, "city")):
        bare = _strip_prefix(word, prefixes)
        if bare != word:
            admin.append((offset, element, word[: len(word) - len(bare)]))
            offset += len(word) - len(bare)
            word = bare
    district: str | None = None
    stem: str | None = None
    for length in (4, 3, 2):
        head = word[:length]
        code = places.districts.get(head)
        if code is None or len(word) < length:
            continue
        rest = word[length:]
        if head in places.stems and (not strip_stems or not rest or rest[0] in _NOT_AFTER_STEM):
            continue
        district, stem = code, head if head in places.stems else ""
        admin.append((offset, "district", head))
        offset += length
        word = rest
        break
    for length in range(min(12, len(word)), 2, -1):
        if word[:length] in places.areas:
            admin.append((offset, "area", word[:length]))
            stem = ""
            word = word[length:]
            break
    shift = len(raw) - len(word)
    tail = _FILLER_TAIL.search(word) if word.endswith(FILLERS) else None
    ignored_tail = ""
    if tail is not None and tail.start() > 0:
        ignored_tail = tail[0]
        word = word[: tail.start()]
    road = None
    split = _ROAD.match(word)
    if split and len(split[1]) > 1:
        name, landmark_text = split[1], ""
        landmark = _LANDMARK.match(name) if len(name) > 4 else None
        if landmark is not None and len(name) - landmark.end() > 1:
            landmark_text, name = landmark[0], name[landmark.end() :]
        road = (name, split[2], landmark_text)
    return _Word(lead, outside, tuple(admin), district, stem, shift, ignored_tail, word, road)


def _chain(digits: str, before: str, after_door: bool) -> list[tuple[str, int]]:
    """A dash chain as (element, value) pairs, read by what precedes it."""
    values = [int(v) for v in digits.split("-")]
    names: tuple[str, ...]
    if len(values) == 4:
        names = ("door", "building", "unit", "room")
    elif not after_door and before.endswith(ROAD_SUFFIXES):
        names = ("door", "building", "unit", "room")[: len(values)]
        names = names if len(values) < 3 else ("door", "building", "room")
    else:
        names = ("building", "unit", "room") if len(values) == 3 else ("building", "room")
    return list(zip(names, values, strict=True))


def parse(text: str, places: Places, *, strip_stems: bool = True) -> Parsed | None:
    """The elements found in `text`; None when it names no place and no number."""
    reading = _Reading([], [])
    values: dict[str, int] = {}
    words: list[tuple[int, int, str]] = []  # (position among tokens, offset, text)
    tokens: list[str] = []  # kinds, in reading order
    phase, unread = "", False
    for piece in _PIECE.finditer(_set_aside(clean(text), reading)):
        at, base = 0, piece.start()
        for m in _ELEMENT.finditer(piece[0]):
            if m.start() > at:
                words.append((len(tokens), base + at, piece[0][at : m.start()]))
                tokens.append("word")
            kind = m.lastgroup or "room"
            tokens.append(kind)
            at = m.end()
            if kind == "phase":
                phase = phase or m[0]
                reading.elements.append((base + m.start(), "phase", m[0]))
                continue
            found = (
                [(kind, int(m[kind]))]
                if kind != "chain"
                else _chain(m[kind], piece[0][: m.start()], "door" in values)
            )
            if kind == "room" and "room" in values and "door" not in values:
                found = [("door", values.pop("room")), ("room", found[0][1])]
            fresh = [(name, value) for name, value in found if name not in values]
            if len(fresh) < len(found):
                reading.ignored.append(m[0])
                unread = True
                continue
            values.update(fresh)
            label = found[0][0] if len(found) == 1 else "-".join(name for name, _ in found)
            reading.elements.append((base + m.start(), label, m[0]))
        if at < len(piece[0]):
            words.append((len(tokens), base + at, piece[0][at:]))
            tokens.append("word")
    road, compound = "", ""
    for position, offset, raw in words:
        read = _read_word(raw, places, strip_stems)
        if read.lead:
            reading.ignored.append(read.lead)
        if reading.outside is None:
            reading.outside = read.outside
        reading.elements.extend((offset + at, name, part) for at, name, part in read.admin)
        if read.district is not None:
            reading.district = read.district
        if read.stem is not None:
            reading.stem = read.stem
        offset += read.shift
        if read.tail:
            reading.ignored.append(read.tail)
        word = read.word
        after = tokens[position + 1] if position + 1 < len(tokens) else ""
        previous = tokens[position - 1] if position else ""
        if not road and read.road is not None:
            road, word, landmark = read.road
            if landmark:
                reading.ignored.append(landmark)
            reading.elements.append((offset, "road", road))
        if not word:
            continue
        zone = _ZONE.search(word) if word.endswith("区") else None
        if zone is not None and word[: zone.start()].endswith(COMPOUND_SUFFIXES):
            phase = phase or zone[0]
            reading.elements.append((offset + zone.start(), "phase", zone[0]))
            word = word[: zone.start()]
        if (
            not compound
            and (
                word.endswith(COMPOUND_SUFFIXES)
                or previous == "door"
                or (not road and after in ("door", "room"))
                or after in ("building", "chain", "unit", "phase")
            )
            and not (word.endswith(FILLERS) and _FILLER_TAIL.fullmatch(word))
        ):
            compound = word
            reading.elements.append((offset, "compound", word))
        else:
            reading.ignored.append(word)
            unread = unread or _HAS_NUMBER(word) is not None
    if not road and not compound and not values:
        return None
    if "floor" in values and values.get("room", 100) < 100:
        values["room"] += values["floor"] * 100
    if values.keys() <= {"room", "floor"} and "room" in values:
        values["door"] = values.pop("room")
    return Parsed(
        reading.district,
        road,
        compound,
        values.get("door"),
        values.get("building"),
        values.get("unit"),
        values.get("room"),
        bool(reading.outside),
        reading.stem,
        values.get("floor"),
        phase,
        tuple((name, part) for _, name, part in sorted(reading.elements)),
        tuple(reading.ignored),
        unread,
    )
