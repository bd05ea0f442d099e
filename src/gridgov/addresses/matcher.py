"""Free-text address → standard address, from an in-memory index of the whole library.

The library has over a million rows; a query must cost microseconds, so
nothing scans it. Blocking is hierarchical: the district (when the text
names one) narrows the roads and compounds; a road or compound is found by
an exact dictionary lookup on its normalised key, then by its sound, its
words moved or its shape (`shapes.py`), and only when those fail by
rapidfuzz within the block (the district's names that share enough
characters to reach the cutoff, or the names sharing a character pair with
the query). Lookups are remembered per key (ADR 0035). The door is a
dictionary lookup, and the building/unit/room below it one vectorised binary
search over packed integer keys for the whole batch. Each process keeps the
index and rebuilds it when LibraryVersion moves, as the jurisdiction's
spatial index does.
"""

from __future__ import annotations

import gc
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from gridgov.addresses.normalise import Parsed, Places, clean, compound_key, parse, road_stem
from gridgov.addresses.shapes import shape
from gridgov.core.versioned import VersionedCache

FUZZ_CUTOFF = 60.0
MATCH_THRESHOLD = 0.6
MARGIN = 0.05
TOP = 5
MAX_TEXT = 200  # an address, with a contact and a note, is far shorter; a paragraph is not one
# A fuzzy hit on a different district than the text named is possible (an old
# district name, a road on the border) but less likely than one inside it.
OTHER_DISTRICT = 0.85
NO_UNIT = 0.95
# A name that sounds the same is an input-method slip, nearly always the same name.
SAME_SOUND = 0.9
# A name that looks the same (建唐 for 建康) is a handwriting-pad slip; a little less sure,
# as a shape group is wider than a sound.
SAME_SHAPE = 0.85
# A road written without its suffix (太平南18号) is read as a road after a compound failed.
NO_SUFFIX = 0.9
# Words that make a different road when added or swapped: 雨花路 is not 雨花南路,
# 北京西路 not 北京东路, 汉中门大街 not 汉中路.
POSITION_CHARS = frozenset("东南西北中门桥口外内上下前后新老")
OTHER_ROAD = 0.5
# Lookups remembered per kind of name before the memo starts over: about 300 bytes each,
# 15 MB at the most (the bench's 100,000 queries leave 22,000 roads and 35,000 compounds).
MEMO_SIZE = 50_000

_B, _U = 24, 18  # bit offsets of building and unit in a packed key; the room takes 18 bits
_DOOR = 34


# (query position, door row, score so far, building, unit, room)
_Wanted = tuple[int, int, float, int | None, int | None, int | None]


class RoadRow(NamedTuple):
    code: str
    name: str
    district: str
    aliases: tuple[str, ...]


class AddressRow(NamedTuple):
    code: str
    level: int
    road: int  # position in the road list
    door: int
    compound: str
    building: int | None
    unit: int | None
    room: int | None
    grid: str


@dataclass(frozen=True, slots=True)
class Candidate:
    code: str
    label: str
    grid: str
    score: float


@dataclass(frozen=True, slots=True)
class Match:
    """matched | ambiguous | not_found | outside_city; `reason` says why not matched."""

    status: str
    code: str = ""
    label: str = ""
    grid: str = ""
    confidence: float = 0.0
    reason: str = ""
    candidates: tuple[Candidate, ...] = ()
    elements: tuple[tuple[str, str], ...] = ()
    ignored: tuple[str, ...] = ()


def _key(door: int, building: int | None, unit: int | None, room: int | None) -> int:
    return (door << _DOOR) | ((building or 0) << _B) | ((unit or 0) << _U) | (room or 0)


def _bigrams(text: str) -> set[str]:
    """Adjacent and one-apart character pairs: one typo in three characters leaves one intact."""
    pairs = {text[i : i + 2] for i in range(len(text) - 1)}
    return pairs | {text[i] + text[i + 2] for i in range(len(text) - 2)} or {text}


@cache
def _sound(char: str) -> str:
    return lazy_pinyin(char)[0]


def sound(text: str) -> str:
    """Toneless pinyin, the key an input-method slip keeps."""
    return " ".join(_sound(ch) for ch in text)


def other_place(key: str, name: str) -> bool:
    """True when two names differ by a position word, not by a slip: 雨花 and 雨花南."""
    if len(key) == len(name) and Counter(key) == Counter(name):
        return False  # 东中山 for 中山东: the same words moved
    extra = (Counter(key) - Counter(name)) + (Counter(name) - Counter(key))
    return any(ch in POSITION_CHARS for ch in extra)


@dataclass
class _Names:
    """Keys of one kind (road stems or compound keys) with their blocks for fuzzy search."""

    targets: dict[str, list[int]] = field(default_factory=dict)
    by_district: dict[str, list[str]] = field(default_factory=dict)
    by_bigram: dict[str, list[str]] = field(default_factory=dict)
    by_sound: dict[str, list[str]] = field(default_factory=dict)
    by_letters: dict[str, list[str]] = field(default_factory=dict)
    by_shape: dict[str, list[str]] = field(default_factory=dict)
    # district → character → positions in by_district[district] of the names holding it
    by_district_char: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    # Answers by (key, district, exact_only): the same names come back query after query.
    memo: dict[tuple[str, str | None, bool], tuple[tuple[int, float], ...]] = field(
        default_factory=dict
    )

    def add(self, key: str, target: int, district: str) -> None:
        if key not in self.targets:
            self.targets[key] = []
            names = self.by_district.setdefault(district, [])
            chars = self.by_district_char.setdefault(district, {})
            for ch in set(key):
                chars.setdefault(ch, []).append(len(names))
            names.append(key)
            for gram in _bigrams(key):
                self.by_bigram.setdefault(gram, []).append(key)
            self.by_sound.setdefault(sound(key), []).append(key)
            self.by_letters.setdefault("".join(sorted(key)), []).append(key)
            self.by_shape.setdefault(shape(key), []).append(key)
        self.targets[key].append(target)

    def find(
        self, key: str, district: str | None, *, exact_only: bool = False
    ) -> list[tuple[int, float]]:
        asked = (key, district, exact_only)
        found = self.memo.get(asked)
        if found is None:
            if len(self.memo) >= MEMO_SIZE:
                self.memo.clear()
            found = self.memo[asked] = tuple(self._find(key, district, exact_only=exact_only))
        return list(found)

    def _find(self, key: str, district: str | None, *, exact_only: bool) -> list[tuple[int, float]]:
        exact = self.targets.get(key)
        if exact:
            return [(t, 1.0) for t in exact]
        if exact_only or not key:
            return []
        alike = self.by_sound.get(sound(key), ()) or self.by_letters.get("".join(sorted(key)), ())
        if alike:
            # The same sounds, or the same words moved (东中山路 for 中山东路).
            return [(t, SAME_SOUND) for name in alike for t in self.targets[name]]
        alike = self.by_shape.get(shape(key), ())
        if alike:
            return [(t, SAME_SHAPE) for name in alike for t in self.targets[name]]
        if district is not None and district in self.by_district:
            choices: Sequence[str] = self._sharing(key, district)
        else:
            block: set[str] = set()
            for gram in _bigrams(key):
                block.update(self.by_bigram.get(gram, ()))
            choices = sorted(block)  # ties break the same way in every process
        hits = process.extract(key, choices, scorer=fuzz.ratio, limit=3, score_cutoff=FUZZ_CUTOFF)
        return [
            (t, score / 100 * (OTHER_ROAD if other_place(key, name) else 1.0))
            for name, score, _ in hits
            for t in self.targets[name]
        ]

    def _sharing(self, key: str, district: str) -> list[str]:
        """The district's names that can reach the fuzzy cutoff, in the district's order.

        fuzz.ratio is 200·LCS / (len(key) + len(name)), and the longest common
        subsequence is at most the characters the two share; a name sharing fewer
        than the cutoff needs against the shortest name cannot score it. Scoring
        only the rest gives rapidfuzz the same answers, ties in the same order,
        for a tenth of the work in a district of 4,000 compounds.
        """
        chars = self.by_district_char[district]
        shared: dict[int, int] = {}
        for ch in set(key):
            times = key.count(ch)
            for at in chars.get(ch, ()):
                shared[at] = shared.get(at, 0) + times
        need = FUZZ_CUTOFF * (len(key) + 1) / 200
        names = self.by_district[district]
        return [names[at] for at in sorted(at for at, n in shared.items() if n >= need)]


class MatchIndex:
    def __init__(
        self,
        version: int,
        places: Places,
        district_names: dict[str, str],
        roads: Sequence[RoadRow],
        addresses: Iterable[AddressRow],
    ) -> None:
        self.version = version
        self.places = places
        self.road_codes = [r.code for r in roads]
        self.road_names = [r.name for r in roads]
        self.road_district = [r.district for r in roads]
        self.district_names = district_names
        self.roads = _Names()
        for pos, road_row in enumerate(roads):
            for name in (road_row.name, *road_row.aliases):
                # Keys go through the queries' cleaning: 乾 reads as 干 on both sides.
                self.roads.add(road_stem(clean(name))[0], pos, road_row.district)
        self.compounds = _Names()
        self.compound_names: list[str] = []
        compound_pos: dict[str, int] = {}
        self.doors: dict[int, int] = {}
        codes: list[bytes] = []
        grids = array("i")
        grid_pos: dict[str, int] = {}
        columns = [array("q") for _ in range(7)]
        for idx, row in enumerate(addresses):
            codes.append(row.code.encode())
            grids.append(grid_pos.setdefault(row.grid, len(grid_pos)))
            cpos = -1
            if row.compound:
                cpos = compound_pos.setdefault(row.compound, len(compound_pos))
                if cpos == len(self.compound_names):
                    self.compound_names.append(row.compound)
            for column, value in zip(
                columns,
                (row.level, row.road, row.door, cpos, row.building, row.unit, row.room),
                strict=True,
            ):
                column.append(value or 0)
            if row.level == 1:
                self.doors[(row.road << 20) | row.door] = idx
                if row.compound:
                    district = self.road_district[row.road]
                    self.compounds.add(compound_key(clean(row.compound)), idx, district)
        self.codes = np.array(codes, dtype=np.bytes_)
        self.grid_codes = list(grid_pos)
        self.grid = np.frombuffer(grids, dtype=np.int32)
        level, road, door, compound, building, unit, room = (
            np.frombuffer(c, dtype=np.int64) for c in columns
        )
        self.level = level.astype(np.int8)
        self.road = road.astype(np.int32)
        self.door = door.astype(np.int32)
        self.compound = compound.astype(np.int32)
        self.building = building.astype(np.int16)
        self.unit = unit.astype(np.int16)
        self.room = room.astype(np.int32)
        door_of = self._door_positions(level, road, door)
        keys = (door_of << _DOOR) | (building << _B) | (unit << _U) | room
        order = np.argsort(keys, kind="stable")
        self.keys, self.key_pos = keys[order], order.astype(np.int32)
        rooms = np.flatnonzero(room > 0)
        nu_keys = (door_of[rooms] << _DOOR) | (building[rooms] << _B) | room[rooms]
        order = np.argsort(nu_keys, kind="stable")
        self.nu_keys, self.nu_pos = nu_keys[order], rooms[order].astype(np.int32)
        # The index's ~400,000 names, lists and dicts live as long as the process: left to
        # the collector, every full collection walks them (a few microseconds a query), and
        # in a forked worker that walk writes to every page holding them, copying the index.
        gc.freeze()

    def _door_positions(
        self, level: npt.NDArray[np.int64], road: npt.NDArray[np.int64], door: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        """Each row's door-level address, by its (road, door) key."""
        packed = (road << 20) | door
        door_rows = np.flatnonzero(level == 1)
        order = np.argsort(packed[door_rows], kind="stable")
        sorted_keys = packed[door_rows][order]
        at = np.clip(np.searchsorted(sorted_keys, packed), 0, max(len(sorted_keys) - 1, 0))
        if not len(sorted_keys):
            return np.zeros(len(level), dtype=np.int64)
        return door_rows[order][at].astype(np.int64)

    def __len__(self) -> int:
        return len(self.codes)

    def label(self, pos: int) -> str:
        # `item` hands back Python ints: numpy scalars cost a microsecond each to format.
        road, cpos = self.road.item(pos), self.compound.item(pos)
        text = self.district_names.get(self.road_district[road], "") + self.road_names[road]
        text += f"{self.door.item(pos)}号"
        if cpos >= 0:
            text += self.compound_names[cpos]
        building, unit, room = self.building.item(pos), self.unit.item(pos), self.room.item(pos)
        if building:
            text += f"{building}幢"
        if unit:
            text += f"{unit}单元"
        if room:
            text += f"{room}室"
        return text

    def candidate(self, pos: int, score: float) -> Candidate:
        return Candidate(
            self.codes.item(pos).decode(),
            self.label(pos),
            self.grid_codes[self.grid.item(pos)],
            round(score, 3),
        )

    # Matching -------------------------------------------------------------

    def match(self, text: str) -> Match:
        return self.match_many([text])[0]

    def match_many(self, texts: Sequence[str]) -> list[Match]:
        """Blocking per text in Python, then every building/unit/room lookup in one search."""
        plans = [self._doors(text) for text in texts]
        wanted: list[_Wanted] = []
        for i, (parsed, doors) in enumerate(plans):
            if parsed is None or isinstance(doors, tuple):
                continue
            for door, score in doors:
                wanted.append((i, door, score, parsed.building, parsed.unit, parsed.room))
        found = self._lookup(wanted)
        results: list[Match] = []
        for i, (parsed, doors) in enumerate(plans):
            elements, ignored = (parsed.elements, parsed.ignored) if parsed else ((), ())
            if isinstance(doors, tuple):
                status, reason = doors
                results.append(Match(status, reason=reason, elements=elements, ignored=ignored))
            else:
                assert parsed is not None  # noqa: S101 - doors come from a parse
                results.append(self._decide(found.get(i, []), parsed))
        return results

    def _doors(self, text: str) -> tuple[Parsed | None, list[tuple[int, float]] | tuple[str, str]]:
        """The parse and its door candidates, or the (status, reason) of a text without any."""
        if len(text) > MAX_TEXT:
            return None, ("not_found", "too_long")
        parsed = parse(text, self.places)
        if parsed is None:
            return None, ("not_found", "unparsed")
        if parsed.outside:
            return parsed, ("outside_city", "outside_city")
        doors = self._door_candidates(parsed)
        if isinstance(doors, str) and parsed.stem_stripped:
            # 秦淮花园 is a compound, not 花园 in 秦淮区.
            whole = parse(text, self.places, strip_stems=False)
            again = self._door_candidates(whole) if whole is not None else doors
            if not isinstance(again, str) and whole is not None:
                return whole, again
        if isinstance(doors, str):
            return parsed, ("not_found", doors)
        return parsed, doors

    def _door_candidates(self, p: Parsed) -> list[tuple[int, float]] | str:
        if not p.road and not p.compound:
            return "no_place"
        roads = self._roads(p.road, p.district) if p.road else []
        compounds: list[tuple[int, float]] = []
        if p.compound:
            compounds = self.compounds.find(compound_key(p.compound), p.district)
            if roads:
                on_road = {r for r, _ in roads}
                compounds = [(d, s) for d, s in compounds if self.road[d] in on_road] or compounds
        if not roads and p.road and not compounds:
            # 太平南路小区 is a compound's whole name, never a fuzzy one.
            key = compound_key(p.road + p.compound)
            compounds = self.compounds.find(key, p.district, exact_only=True)
        if not p.road and p.door is not None:
            # 太平南18号: a road written without its suffix; a compound elsewhere
            # with that name but another door number is the weaker reading.
            roads = [(r, s * NO_SUFFIX) for r, s in self._roads(p.compound, p.district)]
            compounds = [(d, s if self.door[d] == p.door else s * OTHER_ROAD) for d, s in compounds]
        doors: list[tuple[int, float]] = []
        if roads and p.door is not None:
            for road, score in roads:
                door = self.doors.get((road << 20) | p.door)
                if door is not None:
                    doors.append((door, score))
            if compounds and p.road:
                named = {d: s for d, s in compounds}
                both = [(d, s * named[d]) for d, s in doors if d in named]
                doors = both or doors or [(d, s * 0.9) for d, s in compounds]
            else:
                doors += compounds
        elif compounds:
            doors = compounds
        if doors:
            return doors
        if p.road and not roads:
            return "road_not_found"
        if p.compound and not compounds and not roads:
            return "compound_not_found"
        return "door_not_found" if p.door is not None else "no_door_number"

    def _roads(self, name: str, district: str | None) -> list[tuple[int, float]]:
        found = self.roads.find(road_stem(name)[0], district)
        if district is None:
            return found
        return [
            (r, s if self.road_district[r] == district else s * OTHER_DISTRICT) for r, s in found
        ]

    def _lookup(self, wanted: list[_Wanted]) -> dict[int, list[tuple[int, float]]]:
        found: dict[int, list[tuple[int, float]]] = {}
        if not wanted:
            return found
        keys = np.array([_key(d, b, u, r) for _, d, _, b, u, r in wanted], dtype=np.int64)
        at = np.searchsorted(self.keys, keys)
        hit = at < len(self.keys)
        hit[hit] = self.keys[at[hit]] == keys[hit]
        for (i, _door, score, _b, _u, _r), ok, pos in zip(wanted, hit, at, strict=True):
            if ok:
                found.setdefault(i, []).append((int(self.key_pos[pos]), score))
        loose = [
            (i, d, s, b, r)
            for (i, d, s, b, u, r), ok in zip(wanted, hit, strict=True)
            if not ok and u is None and r is not None
        ]
        if loose:
            nu = np.array([_key(d, b, None, r) for _, d, _, b, r in loose], dtype=np.int64)
            lo = np.searchsorted(self.nu_keys, nu, side="left")
            hi = np.searchsorted(self.nu_keys, nu, side="right")
            for (i, _, score, _, _), start, stop in zip(loose, lo, hi, strict=True):
                for pos in range(start, stop):
                    found.setdefault(i, []).append((int(self.nu_pos[pos]), score * NO_UNIT))
        return found

    def _decide(self, hits: list[tuple[int, float]], parsed: Parsed) -> Match:
        elements, ignored = parsed.elements, parsed.ignored
        if not hits:
            return Match("not_found", reason="part_not_found", elements=elements, ignored=ignored)
        best: dict[int, float] = {}
        for pos, score in hits:
            best[pos] = max(score, best.get(pos, 0.0))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        candidates = tuple(self.candidate(pos, score) for pos, score in ranked)
        top = candidates[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if parsed.unread_number:
            # 501室502室: whichever we picked, we would be confidently wrong half the time.
            reason = "unread_number"
        elif top.score >= MATCH_THRESHOLD and ranked[0][1] - second >= MARGIN:
            return Match(
                "matched",
                top.code,
                top.label,
                top.grid,
                top.score,
                "",
                candidates,
                elements,
                ignored,
            )
        else:
            reason = "ambiguous" if ranked[0][1] - second < MARGIN else "low_confidence"
        return Match("ambiguous", "", "", "", 0.0, reason, candidates, elements, ignored)


# The process's index ---------------------------------------------------------


def _current_version() -> int:
    from gridgov.addresses.models import LibraryVersion

    version = LibraryVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(version or 0)


def _load(version: int) -> MatchIndex:
    from gridgov.addresses.models import Address, Road
    from gridgov.jurisdiction.models import Level, Node

    # One index for the whole city, shared by every caller; each answer is scoped after.
    nodes = Node.objects.unscoped()
    districts = dict(nodes.filter(level=Level.DISTRICT).values_list("code", "name"))
    areas = frozenset(
        nodes.filter(level__in=(Level.SUBDISTRICT, Level.COMMUNITY)).values_list("name", flat=True)
    )
    places = Places.from_names({name: code for code, name in districts.items()}, areas)
    road_rows = list(
        Road.objects.unscoped()
        .order_by("id")
        .values_list("id", "code", "name", "district__code", "aliases")
    )
    road_pos = {pk: pos for pos, (pk, *_) in enumerate(road_rows)}
    roads = [
        RoadRow(code, name, district, tuple(aliases))
        for _, code, name, district, aliases in road_rows
    ]
    columns = ("code", "level", "road_id", "door", "compound", "building", "unit", "room")
    query = Address.objects.unscoped().order_by("id").values_list(*columns, "grid_code")
    rows = (
        AddressRow(code, level, road_pos[road], door, compound, building, unit, room, grid)
        for code, level, road, door, compound, building, unit, room, grid in query.iterator(
            chunk_size=20_000
        )
    )
    return MatchIndex(version, places, districts, roads, rows)


_index = VersionedCache(_current_version, _load)
# The process's index, rebuilt when the library version moved; one query when it did not.
matcher_index = _index.get
matcher_index_reset = _index.reset
