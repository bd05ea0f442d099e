import pytest

from gridgov.demo.data.build_extract import communities_coded, display_name, stem
from gridgov.demo.plan import extract


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("莲子营社区居委会", "莲子营社区"),
        ("新闸村村委会", "新闸村"),
        ("花旗村委会", "花旗村"),
        ("通济街居委会", "通济街社区"),
        ("中营社区居委会员会", "中营社区"),
        ("霞辉庙社区居委", "霞辉庙社区"),
    ],
)
def test_display_names_drop_the_committee_suffix(source, shown):
    assert display_name(source) == shown


def test_community_codes_follow_the_nbs_style():
    rows = communities_coded("320113009", ["八卦花园社区居委会", "新闸村村委会", "中桥村村委会"])
    assert [(r["code"], r["name"]) for r in rows] == [
        ("320113009001", "八卦花园社区"),
        ("320113009200", "新闸村"),
        ("320113009201", "中桥村"),
    ]


def test_towns_that_became_subdistricts_share_a_stem():
    assert stem("东屏镇") == stem("东屏街道") == "东屏"


def test_the_extract_is_nanjing_with_official_codes_that_nest():
    data = extract()
    assert data["city"] == {"code": "3201", "name": "南京市"}
    assert len(data["districts"]) == 11
    communities = 0
    for district in data["districts"]:
        assert district["code"].startswith("3201")
        assert len(district["code"]) == 6
        for sub in district["subdistricts"]:
            assert sub["code"].startswith(district["code"])
            assert len(sub["code"]) == 9
            codes = [c["code"] for c in sub["communities"]]
            assert len(set(codes)) == len(codes)
            assert all(c.startswith(sub["code"]) and len(c) == 12 for c in codes)
            communities += len(codes)
    assert communities == 1243
    qinhuai = next(d for d in data["districts"] if d["code"] == "320104")
    assert len(qinhuai["subdistricts"]) == 12
    assert sum(len(s["communities"]) for s in qinhuai["subdistricts"]) == 111
