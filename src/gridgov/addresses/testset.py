"""Noisy free-text variants of standard addresses, the way real records write them.

The matcher's tests and its benchmark both draw queries here: each variant
keeps the address it came from, so top-1 accuracy is a plain comparison.
"""

from __future__ import annotations

import random

from gridgov.addresses.generate import NAME_CHARS
from gridgov.addresses.matcher import MatchIndex
from gridgov.addresses.normalise import compound_key, int_to_cn, road_stem

FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
BUILDING_MARKS = ("幢", "栋", "号楼", "座")
ROAD_SWAPS = ("路", "街", "大街", "大道", "巷")
FILLERS = ("", "", "", "门口", "附近", "旁边")


def _number(value: int, rng: random.Random, *, digits_only: bool = False) -> str:
    style = rng.random()
    if style < 0.6:
        return str(value)
    if style < 0.75:
        return str(value).translate(FULL_WIDTH)
    if style < 0.9 or digits_only:
        text = int_to_cn(value, positional=False)
        return text.replace("〇", "零") if rng.random() < 0.5 else text
    return int_to_cn(value, positional=True)


def typo(name: str, rng: random.Random) -> str:
    """One substituted, inserted or dropped character, never the first."""
    at = rng.randrange(1, len(name))
    other = rng.choice(NAME_CHARS)
    kind = rng.random()
    if kind < 0.5:
        return name[:at] + other + name[at + 1 :]
    if kind < 0.8:
        return name[:at] + other + name[at:]
    return name[:at] + name[at + 1 :]


def variant(index: MatchIndex, pos: int, rng: random.Random) -> str:
    """A noisy way of writing the address at `pos` of the index."""
    road_pos = int(index.road[pos])
    road = index.road_names[road_pos]
    district = index.district_names.get(index.road_district[road_pos], "")
    compound = index.compound_names[index.compound[pos]] if index.compound[pos] >= 0 else ""
    stem, suffix = road_stem(road)
    prefix = rng.choice(
        (f"江苏省南京市{district}", f"南京市{district}", f"南京{district[:-1]}", district, "", "")
    )
    if rng.random() < 0.15:
        suffix = rng.choice(ROAD_SWAPS)
    wants_typo = rng.random() < 0.1
    only_compound = bool(compound) and rng.random() < 0.3
    if only_compound:
        key = compound_key(compound)
        if wants_typo and len(key) >= 3:
            compound = typo(key, rng) + compound[len(key) :]
        place = compound
    else:
        if wants_typo and len(stem) >= 3:
            stem = typo(stem, rng)
        place = f"{stem}{suffix}{_number(int(index.door[pos]), rng)}号"
        if compound and rng.random() < 0.5:
            place += " " * rng.randint(0, 1) + compound
    return prefix + " " * rng.randint(0, 1) + place + _below(index, pos, rng) + rng.choice(FILLERS)


def _below(index: MatchIndex, pos: int, rng: random.Random) -> str:
    building, unit, room = (int(index.building[pos]), int(index.unit[pos]), int(index.room[pos]))
    if not building:
        return ""
    if unit and room and rng.random() < 0.25:
        return f"{building}-{unit}-{room}".translate(FULL_WIDTH if rng.random() < 0.2 else {})
    text = _number(building, rng) + rng.choice(BUILDING_MARKS)
    if unit:
        text += _number(unit, rng) + "单元"
    if room:
        text += _number(room, rng, digits_only=True) + rng.choice(("室", "房", ""))
    return text
