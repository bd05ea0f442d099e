"""A small jurisdiction tree of boxes, enough for scope tests.

City 3201 spans lon 118.0–119.0, lat 31.0–32.0. Two districts split it
west/east; each has two subdistricts (north/south), each subdistrict one
community, each community two grids (west/east halves). Codes follow the
NBS style used in production.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely

from gridgov.jurisdiction.models import GridKind, Level, Node


def box(x0: float, y0: float, x1: float, y1: float) -> bytes:
    return bytes(shapely.to_wkb(shapely.box(x0, y0, x1, y1)))


@dataclass
class Tree:
    nodes: dict[str, Node] = field(default_factory=dict)

    def __getitem__(self, code: str) -> Node:
        return self.nodes[code]


DISTRICTS = [("320104", "秦淮区", 118.0, 118.5), ("320105", "建邺区", 118.5, 119.0)]
# Inside grid 320104001001001 (lon 118.0–118.25, lat 31.5–32.0).
HERE = (118.1, 31.7)
# Inside the sibling district 320105.
THERE = (118.8, 31.7)
SUBDISTRICTS = [("001", "北街道", 31.5, 32.0), ("002", "南街道", 31.0, 31.5)]


def build_tree(population: int | None = 1000) -> Tree:
    tree = Tree()

    def add(
        code: str, name: str, level: int, parent: Node | None, geom: bytes, **extra: object
    ) -> Node:
        node = Node.objects.create(
            code=code, name=name, level=level, parent=parent, boundary=geom, **extra
        )
        tree.nodes[code] = node
        return node

    city = add("3201", "南京市", Level.CITY, None, box(118.0, 31.0, 119.0, 32.0))
    for dcode, dname, x0, x1 in DISTRICTS:
        district = add(dcode, dname, Level.DISTRICT, city, box(x0, 31.0, x1, 32.0))
        for scode, sname, y0, y1 in SUBDISTRICTS:
            sub = add(
                dcode + scode, dname + sname, Level.SUBDISTRICT, district, box(x0, y0, x1, y1)
            )
            com = add(
                sub.code + "001", sub.name + "一社区", Level.COMMUNITY, sub, box(x0, y0, x1, y1)
            )
            xm = (x0 + x1) / 2
            for seq, (gx0, gx1) in enumerate([(x0, xm), (xm, x1)], start=1):
                add(
                    f"{com.code}{seq:03d}",
                    f"{com.name}第{seq}网格",
                    Level.GRID,
                    com,
                    box(gx0, y0, gx1, y1),
                    grid_kind=GridKind.COMPREHENSIVE,
                    population=population,
                )
    return tree
