"""Names for the demo township: surnames weighted by how common they are, given names by
birth decade and sex, a few minority names written with "·", villages and addresses.

Surname weights are per-mille shares of the population (2020 census order, rounded); a
few rarer surnames with a special reading (单 shan, 解 xie, 区 ou ...) are kept so that the
pinyin override table is exercised by demo data.
"""

from __future__ import annotations

import random

from fdclient.services.demo.common import weighted
from fdclient.services.registry.pinyin import pinyin_of_name

_SURNAMES = (
    "王 712 李 700 张 674 刘 538 陈 453 杨 308 黄 223 赵 203 吴 185 周 173 徐 134 孙 124 "
    "马 118 朱 111 胡 105 郭 101 何 99 林 94 高 93 罗 92 郑 83 梁 79 谢 70 宋 68 唐 67 "
    "许 65 韩 62 邓 60 冯 60 曹 58 彭 58 曾 56 肖 53 田 51 董 49 潘 48 袁 48 蔡 46 蒋 46 "
    "余 45 于 44 杜 42 叶 42 程 42 魏 40 苏 40 吕 39 丁 38 任 37 卢 36 姚 36 沈 35 钟 35 "
    "姜 35 崔 33 谭 32 陆 31 范 30 汪 30 廖 29 石 29 金 28 韦 28 贾 27 夏 26 付 26 方 25 "
    "邹 24 熊 24 白 24 孟 23 秦 23 邱 23 侯 22 江 22 尹 22 薛 21 闫 21 段 20 雷 20 龙 19 "
    "黎 19 史 19 陶 18 贺 18 毛 17 郝 17 顾 17 龚 16 邵 16 万 15 覃 15 武 15 钱 15 戴 14 "
    "严 14 欧阳 5 单 3 解 3 查 2 仇 2 区 1"
).split()
SURNAMES: tuple[str, ...] = tuple(_SURNAMES[0::2])
SURNAME_WEIGHTS: tuple[int, ...] = tuple(int(w) for w in _SURNAMES[1::2])
_SURNAME_TABLE = weighted(SURNAMES, SURNAME_WEIGHTS)

# Given names by birth period and sex: (born before, male names, female names).
_GIVEN: tuple[tuple[int, str, str], ...] = (
    (
        1960,
        "建国 国庆 建华 国华 德明 德华 志明 明华 正华 福生 春生 长生 金山 水生 根生 有才 建平 文华 "
        "玉明 永福 光明 振华 新民 解放 援朝 庆华 桂林 宝山 金发 荣华 树林 炳南 家旺",
        "秀英 桂英 秀兰 玉兰 桂兰 凤英 玉珍 淑珍 秀珍 兰英 翠花 冬梅 菊花 金花 秀梅 桂芳 玉梅 春兰 "
        "素珍 玉英 月英 爱华 美英 莲英 秋菊 凤兰 桂香 秀芳 金莲 银花 招娣 满香",
    ),
    (
        1980,
        "建军 志强 国强 卫东 红军 小平 文明 海涛 永强 俊 军 勇 伟 斌 强 平 刚 明 辉 华 建新 "
        "立新 国平 志刚 卫国 春华 晓东 红兵 勇军 冬生 小军 国良",
        "丽 红 敏 燕 艳 霞 芳 萍 玲 红梅 丽华 春燕 海燕 秀琴 小红 丽娟 美玲 桂芝 晓红 红霞 "
        "丽萍 爱玲 小燕 秀云 桂花 玉华 春梅 金凤 素芬 冬英",
    ),
    (
        2000,
        "磊 涛 鹏 杰 超 浩 俊杰 建伟 志伟 文杰 伟 强 军 明 波 亮 宇 帅 鑫 凯 家豪 俊峰 晓峰 "
        "海龙 子豪 文斌 志鹏 嘉伟 浩然 明辉 金龙 小龙",
        "婷 静 丽 娟 敏 燕 倩 颖 晶 琳 婷婷 丹丹 雪 佳 欣 慧 莉 璐 梦 晓燕 丽娜 玉婷 思思 春艳 "
        "佳佳 雅琪 文静 晓丽 慧敏 小芳 雪梅",
    ),
    (
        2015,
        "浩宇 子轩 浩然 宇轩 俊杰 子豪 博文 皓轩 宇航 梓豪 家乐 天佑 一鸣 思远 志豪 明轩 俊熙 "
        "子墨 铭 睿 轩 浩 宇 杰 博 晨 阳 乐 嘉豪 俊宇",
        "欣怡 梓涵 诗涵 雨涵 子涵 可馨 佳怡 梦琪 思涵 雨欣 紫涵 语嫣 佳琪 欣妍 雅婷 梓萱 若曦 "
        "语桐 馨怡 可欣 怡 涵 萱 琪 妍 悦 彤 欣 菲 瑶",
    ),
    (
        9999,
        "梓睿 沐宸 浩宇 宇泽 子墨 一诺 奕辰 宸 睿 泽 辰 铭泽 梓轩 俊宇 锦程 宇辰 浩轩 沐阳 思源 嘉懿",
        "一诺 若汐 梓涵 沐晴 语汐 依诺 可欣 雨桐 梓萱 诗雨 欣妍 芷若 安琪 悦 汐 诺 彤 依 宁 语",
    ),
)
#: birth year → (male names, female names); years before 1900 use the first period.
_GIVEN_BY_YEAR: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
for _year in range(1900, 2101):
    for _before, _male, _female in _GIVEN:
        if _year < _before:
            _GIVEN_BY_YEAR[_year] = (tuple(_male.split()), tuple(_female.split()))
            break

#: Uyghur and Kazakh names as written in Chinese, with the middle dot (·): (name, sex,
#: ethnicity code of GB 3304).
MINORITY_NAMES: tuple[tuple[str, int, str], ...] = (
    ("买买提·艾力", 1, "05"),
    ("艾尔肯·阿不都拉", 1, "05"),
    ("阿不都热合曼·吐尔逊", 1, "05"),
    ("努尔兰·哈山", 1, "17"),
    ("阿依古丽·吐尔逊", 2, "05"),
    ("古丽娜尔·买买提", 2, "05"),
    ("热依拉·艾买提", 2, "05"),
    ("古丽米拉·努尔兰", 2, "17"),
)

VILLAGE_STEMS = (
    "石桥 新塘 上坊 下湾 东山 西岭 南岗 北源 大坪 小溪 高田 中洲 桥头 枫林 竹山 花园 龙泉 凤凰 "
    "黄泥 白沙 青山 杨柳 荷塘 梅岭 桃源 柏树 长岭 河口 马家 刘坊 胡家 陈坊 塘边 樟树 松湖 "
    "安乐 太平 和平 永丰 五星 红星 前进 建设 光明 新华 朝阳 金星 双港 三江 四联 港口 湖洲"
).split()

#: Streets of the township seat for neighbourhood committees (居委会).
STREETS = "解放 人民 建设 中山 胜利 新华 文化 民主".split()


class NameMaker:
    """Names drawn from one seeded generator, with their pinyin (memoised per name)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._random = rng.random
        self._pinyin: dict[str, tuple[str, str]] = {}

    def surname(self) -> str:
        return _SURNAME_TABLE[int(self._random() * len(_SURNAME_TABLE))]

    def given(self, birth_year: int, sex: int) -> str:
        pool = _GIVEN_BY_YEAR[min(max(birth_year, 1900), 2100)][0 if sex == 1 else 1]
        return pool[int(self._random() * len(pool))]

    def pinyin(self, name: str) -> tuple[str, str]:
        found = self._pinyin.get(name)
        if found is None:
            found = self._pinyin[name] = pinyin_of_name(name)
        return found

    def minority(self, sex: int) -> tuple[str, str]:
        """A minority name of that sex, with its ethnicity code."""
        name, _, ethnicity = self._rng.choice([m for m in MINORITY_NAMES if m[1] == sex])
        return name, ethnicity


def village_names(count: int, township_stem: str, rng: random.Random) -> list[str]:
    """``count`` distinct village stems (shuffled; numbered once the list runs out)."""
    stems = list(VILLAGE_STEMS)
    rng.shuffle(stems)
    return [stems[i % len(stems)] + ("" if i < len(stems) else str(i // len(stems) + 1)) for i in range(count)]
