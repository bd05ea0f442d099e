"""Characters people take for one another by their shape (形近字), as one key per name.

A handwriting pad offers the nearest shapes and the writer taps a neighbour;
OCR of a scanned form and shape-based input methods (五笔, 仓颉) slip the same
way. In a two-character name (建康, 集庆) one such slip leaves half the name,
so edit distance cannot tell it from another name; mapping every character
to its group's first gives a key the slip keeps, as toneless pinyin does for
a homophone. The groups are written from the kinds in
docs/address-variants.md (a stroke or a dot more or less; the same phonetic
part under another radical; a neighbouring part or one dropped), for the
characters of place names. They never put two position words (东南西北中门…)
together, since those make another road, and leave out numerals, which
`clean` reads as numbers.
"""

from __future__ import annotations

GROUPS = (
    # a stroke or a dot more or less
    "大太犬夫天夭", "王玉主", "日曰", "己已巳", "未末", "土士", "白自", "马乌鸟",
    "月用甩", "田由甲申", "刀力", "今令", "金全", "贝见", "干于", "午牛", "戊戌戍",
    "免兔", "候侯", "休体", "折拆", "平乎", "山出", "石右", "文丈", "竹竺", "仁仨",
    "仙仟", "德徳", "升开", "幸辛", "延廷", "春舂泰秦奏",
    # the same phonetic part under another radical
    "清请情晴睛", "桃挑跳逃", "江汪扛", "胡湖糊蝴", "淮准", "瑞端喘", "陵凌菱棱",
    "珠株蛛", "钟种肿", "岭铃玲龄领", "扬场杨汤", "晓烧浇", "锦绵棉", "绣锈秀",
    "梅悔海晦", "城诚域", "银很根跟", "福幅副富", "祥详样洋", "澄橙", "源原", "皇凰煌",
    "卢庐炉芦", "碧璧壁", "镇填慎", "塔搭", "津律", "胜性姓牲", "佛拂沸", "箔泊",
    "浦捕铺蒲", "翠萃粹", "建健键", "康唐庚", "州洲", "汉汊", "长张", "紫柴", "剪煎",
    "惠慧蕙", "玄弦炫", "华哗", "苑宛", "居屈局", "园圆", "花化", "和知",
    # a neighbouring part, or one part dropped
    "西栖", "早草", "宁宇字", "焦集", "光先", "京景凉", "龙尤", "凤风冈", "阳阴", "明朋",
    "林材村", "广厂", "新亲", "蟠播", "鹤鹊鹄", "鹭鹫", "弘引", "奥粤", "黄寅", "应庄",
    "庆床", "屏屎", "热势",
)  # fmt: skip


def _key_table() -> dict[int, str]:
    """Each character → the root of its group; a character in two groups joins them."""
    parent: dict[str, str] = {}

    def root(ch: str) -> str:
        while parent.get(ch, ch) != ch:
            ch = parent[ch]
        return ch

    for group in GROUPS:
        for ch in group[1:]:
            a, b = root(group[0]), root(ch)
            if a != b:
                parent[b] = a
    return {ord(ch): root(ch) for group in GROUPS for ch in group if root(ch) != ch}


_KEY = _key_table()


def shape(text: str) -> str:
    """The text with each character replaced by the first of its shape group."""
    return text.translate(_KEY)
