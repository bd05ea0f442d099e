"""A plausible address library for a seeded demo city, as plain rows.

Every comprehensive grid gets roads (real Nanjing names first, then made-up
ones), gates of its compounds with buildings, units, floors and rooms, and
a few shop doors. Names are unique in the city, as place-name rules require,
and made-up names differ from each other in at least two characters, so a
one-character typo still points at one name. Pure: the management command
writes the rows, the benchmark feeds them straight to the matcher.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import shapely

from gridgov.addresses.normalise import compound_key, road_stem

# Each character appears in one word of a pairing only, so two names built
# from the same pairing differ in a whole word (two characters) or more.
NAME_CHARS = (
    "安宝碧彩昌辰成澄春淳翠丹德鼎东芳丰枫凤福富港高歌贡谷冠光广桂国海寒汉瀚豪禾和河鹤恒红鸿华"
    "怀欢辉汇惠吉佳嘉建江金锦晋京景静久聚君凯康珂兰蓝朗乐黎丽莲良林琳麟凌玲龙隆鲁禄鹿仑罗洛茂"
    "梅美明铭沐楠宁农鹏平萍浦祺琪启谦乾青清庆秋泉仁荣蓉瑞润若森杉善尚韶升胜盛诗石世书曙舒水顺"
    "硕思松嵩苏泰檀棠桃天田彤桐旺威薇卫文雯武西溪熙夏仙贤祥翔晓孝欣新信星兴秀轩萱学雪雅烟延岩"
    "燕阳扬杨耀叶怡宜颐逸银英樱颖永友佑瑜宇羽玉裕元源远月悦跃云韵泽湛樟昭兆珍振正芝志致钟舟洲"
    "竹卓紫宗博才昊航皓虹骏琨岚磊霖睿晟韬炜鑫煦珏峻"
)
COMPOUND_SUFFIXES = ("小区", "花园", "新村", "苑", "家园", "公寓", "新寓", "佳园", "雅居", "名邸")
ROAD_SUFFIXES = ("路", "街", "大街", "大道", "巷")
ROAD_SUFFIX_WEIGHTS = (60, 15, 8, 7, 10)

# Real road names by district, used before made-up ones.
REAL_ROADS: dict[str, tuple[str, ...]] = {
    "320102": ("北京东路", "珠江路", "龙蟠路", "太平门街", "玄武大道", "童卫路", "孝陵卫街",
               "丹凤街", "成贤街", "长江路", "中山东路", "中山路"),
    "320104": ("太平南路", "中华路", "建康路", "长乐路", "升州路", "白下路", "龙蟠中路", "御道街",
               "瑞金路", "大光路", "集庆路", "中山南路", "来凤街", "剪子巷", "马道街", "箍桶巷",
               "长白街", "光华路", "应天大街"),
    "320105": ("江东中路", "河西大街", "江山大街", "庐山路", "黄山路", "嘉陵江东街", "奥体大街",
               "乐山路", "南湖路", "兴隆大街", "集庆门大街", "水西门大街"),
    "320106": ("中山北路", "湖南路", "广州路", "汉中路", "上海路", "宁海路", "江东北路", "虎踞路",
               "草场门大街", "清凉门大街", "热河路", "福建路", "山西路"),
    "320111": ("浦珠路", "天华路", "文德路", "浦口大道"),
    "320113": ("仙林大道", "和燕路", "文苑路", "学海路"),
    "320114": ("雨花南路", "软件大道", "宁双路", "安德门大街", "小行路", "花神大道", "玉兰路"),
    "320115": ("双龙大道", "天元中路", "胜太路", "竹山路", "弘景大道", "佛城西路", "金箔路"),
    "320116": ("雄州南路", "延安路", "龙津路"),
    "320117": ("秦淮大街", "天生桥大道"),
    "320118": ("宝塔路", "镇兴路", "北岭路"),
}  # fmt: skip


@dataclass(frozen=True)
class Density:
    buildings: tuple[int, int]
    units: tuple[int, int]
    floors: tuple[int, int]
    rooms_per_floor: int
    shops: tuple[int, int]


DENSITIES: dict[str, Density] = {
    "small": Density((2, 5), (1, 3), (3, 6), 2, (2, 6)),
    # ~106 addresses a comprehensive grid: ≥ 1,000,000 for the city's ~12,000.
    "district": Density((1, 4), (1, 2), (4, 8), 2, (1, 3)),
    "city": Density((1, 4), (1, 2), (4, 8), 2, (1, 3)),
}


@dataclass(frozen=True)
class GridSite:
    code: str
    community: str
    district: str
    geometry: shapely.Geometry
    compounds: tuple[tuple[str, int | None], ...]  # (name, compound LayerUnit id)


class PlannedRoad(NamedTuple):
    code: str
    name: str
    district: str


class PlannedAddress(NamedTuple):
    code: str
    level: int
    road: int  # position in the road list
    door: int
    compound: str
    compound_unit: int | None
    building: int | None
    unit: int | None
    floor: int | None
    room: int | None
    lon: float
    lat: float
    grid: str
    community: str
    parent: int | None  # position of the parent row in the generated sequence


def _pairing(rng: random.Random) -> list[str]:
    chars = list(NAME_CHARS)
    rng.shuffle(chars)
    return [chars[i] + chars[i + 1] for i in range(0, len(chars) - 1, 2)]


def _stems(rng: random.Random, pairings: int) -> Iterator[str]:
    """Four-character stems, pairing by pairing, in a shuffled order."""
    for _ in range(pairings):
        first, second = _pairing(rng), _pairing(rng)
        combos = [a + b for a in first for b in second]
        rng.shuffle(combos)
        yield from combos


class _Namer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.road_stems: set[str] = set()
        self.compound_keys: set[str] = set()
        self._road_source = _stems(rng, 2)
        self._compound_source = _stems(rng, 4)

    def road(self, district: str, real: list[str]) -> str:
        while real:
            name = real.pop(0)
            if road_stem(name)[0] not in self.road_stems:
                self.road_stems.add(road_stem(name)[0])
                return name
        for stem in self._road_source:
            if stem not in self.road_stems:
                self.road_stems.add(stem)
                return stem + self.rng.choices(ROAD_SUFFIXES, ROAD_SUFFIX_WEIGHTS)[0]
        raise RuntimeError("out of road names")

    def compound(self, wanted: str) -> str:
        if wanted and compound_key(wanted) not in self.compound_keys:
            self.compound_keys.add(compound_key(wanted))
            return wanted
        for stem in self._compound_source:
            if stem not in self.compound_keys:
                self.compound_keys.add(stem)
                return stem + self.rng.choice(COMPOUND_SUFFIXES)
        raise RuntimeError("out of compound names")


def _points(geometry: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` random points inside a polygon, by rejection from its bounds."""
    x0, y0, x1, y1 = shapely.bounds(geometry)
    out: list[np.ndarray] = []
    have = 0
    while have < count:
        xy = rng.uniform((x0, y0), (x1, y1), size=(max(count * 2, 16), 2))
        inside = xy[shapely.contains_xy(geometry, xy[:, 0], xy[:, 1])]
        out.append(inside)
        have += len(inside)
    return np.concatenate(out)[:count]


def plan_library(
    sites: Sequence[GridSite], density: Density, seed: int
) -> tuple[list[PlannedRoad], Iterator[PlannedAddress]]:
    """Roads for every community, then address rows grid by grid (parents before children)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible by seed
    namer = _Namer(rng)
    roads: list[PlannedRoad] = []
    community_roads: dict[str, list[int]] = {}
    per_district: dict[str, int] = {}
    real = {code: list(names) for code, names in REAL_ROADS.items()}
    grids_of: dict[str, int] = {}
    district_of: dict[str, str] = {}
    for site in sites:
        grids_of[site.community] = grids_of.get(site.community, 0) + 1
        district_of[site.community] = site.district
    for community, grids in grids_of.items():
        district = district_of[community]
        for _ in range(grids // 2 + 2):
            n = per_district[district] = per_district.get(district, 0) + 1
            name = namer.road(district, real.get(district, []))
            community_roads.setdefault(community, []).append(len(roads))
            roads.append(PlannedRoad(f"{district}R{n:05d}", name, district))
    return roads, _addresses(sites, density, rng, namer, roads, community_roads)


def _addresses(
    sites: Sequence[GridSite],
    density: Density,
    rng: random.Random,
    namer: _Namer,
    roads: list[PlannedRoad],
    community_roads: dict[str, list[int]],
) -> Iterator[PlannedAddress]:
    np_rng = np.random.default_rng(rng.randrange(2**32))
    next_door = [rng.randrange(1, 20, 2) for _ in roads]
    position = 0
    for site in sites:
        # A grid without compound polygons still has housing: compounds named here.
        compounds = site.compounds or ((("", None),) * rng.randint(1, 3))
        doors = [(name, unit, True) for name, unit in compounds]
        doors += [("", None, False)] * rng.randint(*density.shops)
        points = _points(site.geometry, len(doors) * (density.buildings[1] + 1), np_rng)
        spot = iter(points)
        for compound, layer_unit, housing in doors:
            road = rng.choice(community_roads[site.community])
            door = next_door[road]
            next_door[road] += rng.choice((2, 2, 4, 6))
            name = namer.compound(compound) if housing else ""
            base = f"{roads[road].code}-{door}"
            x, y = next(spot)
            door_pos = position
            yield PlannedAddress(
                base, 1, road, door, name, layer_unit, None, None, None, None,
                float(x), float(y), site.code, site.community, None,
            )  # fmt: skip
            position += 1
            if not name:
                continue
            for b in range(1, rng.randint(*density.buildings) + 1):
                bx, by = next(spot)
                b_pos = position
                row = (road, door, name, layer_unit)
                yield PlannedAddress(
                    f"{base}-{b}", 2, *row, b, None, None, None,
                    float(bx), float(by), site.code, site.community, door_pos,
                )  # fmt: skip
                position += 1
                floors = rng.randint(*density.floors)
                for u in range(1, rng.randint(*density.units) + 1):
                    u_pos = position
                    yield PlannedAddress(
                        f"{base}-{b}-{u}", 3, *row, b, u, None, None,
                        float(bx), float(by), site.code, site.community, b_pos,
                    )  # fmt: skip
                    position += 1
                    for f in range(1, floors + 1):
                        for k in range(1, density.rooms_per_floor + 1):
                            r = f * 100 + k
                            yield PlannedAddress(
                                f"{base}-{b}-{u}-{r}", 4, *row, b, u, f, r,
                                float(bx), float(by), site.code, site.community, u_pos,
                            )  # fmt: skip
                            position += 1
