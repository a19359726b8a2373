"""Default word lists for defacement and injected gambling/porn spam; each asset may override them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

# Words a cyberspace office's own news uses freely (黑客, 攻击, 彩票 as in the state lottery) are left out:
# a keyword alone should be rare on a clean government page, or every patrol drowns in noise.
DEFACEMENT = (
    "hacked by",
    "defaced by",
    "h4cked",
    "h4ck3d",
    "pwned by",
    "owned by hacker",
    "被黑了",
    "本站已被黑",
    "此站已被",
    "黑客联盟",
    "黑页",
)
GAMBLING = (
    "澳门赌场",
    "赌场",
    "博彩",
    "百家乐",
    "六合彩",
    "时时彩",
    "北京赛车",
    "真人娱乐",
    "真人视讯",
    "老虎机",
    "太阳城",
    "葡京",
    "威尼斯人",
    "皇冠体育",
    "体育投注",
    "赌球",
    "网上赌",
    "开户送",
    "注册送彩金",
    "bet365",
    "casino",
    "baccarat",
)
PORN = (
    "色情",
    "成人视频",
    "成人电影",
    "黄色网站",
    "av女优",
    "一本道",
    "无码高清",
    "自拍偷拍",
    "porn",
)
# Pieces of domain names spam networks register (pinyin of 博彩, 赌场, 新葡京 …).
DOMAIN_TOKENS = ("bocai", "duchang", "casino", "baccarat", "bet365", "xpj", "amdc", "liuhecai", "porn")


@dataclass(frozen=True)
class KeywordLists:
    """Keyword lists by category; ``domain_tokens`` are matched inside link host names."""

    defacement: tuple[str, ...] = DEFACEMENT
    gambling: tuple[str, ...] = GAMBLING
    porn: tuple[str, ...] = PORN
    domain_tokens: tuple[str, ...] = DOMAIN_TOKENS

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """One alternation over every keyword, longest first, matched against lower-cased text."""
        words = sorted(
            {w.lower() for w in (*self.defacement, *self.gambling, *self.porn)}, key=len, reverse=True
        )
        return re.compile("|".join(re.escape(w) for w in words)) if words else re.compile(r"(?!)")

    @cached_property
    def category_of(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for category, words in (
            ("porn", self.porn),
            ("gambling", self.gambling),
            ("defacement", self.defacement),
        ):
            for word in words:
                table[word.lower()] = category
        return table

    @cached_property
    def spam_pattern(self) -> re.Pattern[str]:
        """Gambling and porn words only: what makes a hidden link an injected spam link."""
        words = sorted({w.lower() for w in (*self.gambling, *self.porn)}, key=len, reverse=True)
        return re.compile("|".join(re.escape(w) for w in words)) if words else re.compile(r"(?!)")

    @cached_property
    def domain_pattern(self) -> re.Pattern[str]:
        tokens = sorted({t.lower() for t in self.domain_tokens}, key=len, reverse=True)
        return re.compile("|".join(re.escape(t) for t in tokens)) if tokens else re.compile(r"(?!)")


DEFAULT_KEYWORDS = KeywordLists()
