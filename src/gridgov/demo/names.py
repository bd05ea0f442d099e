"""Deterministic Chinese names for demo people, compounds and institutions.

Surnames are the most common ones, weighted roughly by frequency so the
demo reads like a real roster; nothing here names a real person.
"""

from __future__ import annotations

import random

# (surname, weight) — the commonest surnames, weights in per mille of the population.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 72), ("李", 71), ("张", 68), ("刘", 53), ("陈", 45), ("杨", 31), ("黄", 22),
    ("赵", 20), ("吴", 20), ("周", 19), ("徐", 17), ("孙", 15), ("马", 15), ("朱", 14),
    ("胡", 13), ("郭", 12), ("何", 12), ("高", 11), ("林", 11), ("罗", 10), ("郑", 10),
    ("梁", 9), ("谢", 8), ("宋", 7), ("唐", 7), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7),
    ("曹", 6), ("彭", 6), ("曾", 6), ("肖", 6), ("田", 6), ("董", 5), ("袁", 5), ("潘", 5),
    ("于", 5), ("蒋", 5), ("蔡", 5), ("余", 5), ("杜", 5), ("叶", 4), ("程", 4), ("苏", 4),
    ("魏", 4), ("吕", 4), ("丁", 4), ("任", 4), ("沈", 4), ("姚", 3), ("卢", 3), ("姜", 3),
    ("崔", 3), ("钟", 3), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3),
    ("廖", 3), ("贾", 3), ("夏", 3), ("韦", 3), ("付", 3), ("方", 3), ("邹", 2), ("孟", 2),
    ("熊", 2), ("秦", 2), ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("顾", 2), ("戴", 2),
)  # fmt: skip
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国文斌志刚"
    "海燕春梅晓东丹晨阳宇浩然子涵欣怡思远雨萱梓轩一鸣佳琪俊杰婷雪梅慧颖鹏飞"
    "立新永红家豪嘉怡博文雅琴玲晶宏亮健康瑞祥德胜云峰金凤小燕凯旋辉荣淑珍"
)
COMPOUND_STEMS = (
    "康居", "金陵", "翠屏", "阳光", "香榭", "御道", "锦绣", "月牙", "瑞金", "龙苑", "银城", "凤凰",
    "紫金", "秦淮", "梅花", "水西", "白鹭", "长江", "钟山", "雨花", "石城", "朝阳", "和平", "幸福",
    "新城", "东湖", "南湖", "清江", "碧水", "桃源", "翠竹", "明城", "汇景", "仙鹤", "凤栖", "景明",
)  # fmt: skip
COMPOUND_SUFFIXES = (
    "小区", "花园", "新村", "苑", "家园", "公寓", "山庄", "新寓", "佳园", "里", "雅居", "名邸",
)  # fmt: skip
LAW_FIRM_WORDS = ("金陵", "钟山", "天衡", "苏源", "石城", "致远", "正大", "东恒")


def person(rng: random.Random) -> str:
    surnames, weights = zip(*SURNAMES, strict=True)
    surname: str = rng.choices(surnames, weights=weights)[0]
    given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


def compound(rng: random.Random) -> str:
    return rng.choice(COMPOUND_STEMS) + rng.choice(COMPOUND_SUFFIXES)


def law_firm(rng: random.Random) -> str:
    return f"江苏{rng.choice(LAW_FIRM_WORDS)}律师事务所"


def place_stem(name: str) -> str:
    """ "夫子庙街道" → "夫子庙", "莲子营社区" → "莲子营", "秦淮区" → "秦淮"."""
    for suffix in ("街道", "社区", "镇", "村", "区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name
