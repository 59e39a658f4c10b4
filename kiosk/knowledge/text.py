"""Text clean-up and tokens for retrieval, tolerant of what speech recognisers produce.

ASR output has no punctuation, carries filler words, and in Chinese often picks a homophone
(换成 for 换乘). Queries are cleaned of fillers, and Chinese words also index their toneless
pinyin, so a homophone still matches lexically.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import jieba
import snowballstemmer
from pypinyin import Style, lazy_pinyin

from kiosk.lang import Lang

_ZH_OPENERS = (
    "请问一下",
    "我想问一下",
    "我想问问",
    "想问一下",
    "麻烦问一下",
    "问一下",
    "请问",
    "麻烦你",
    "你好",
    "您好",
)
"""Politeness that opens a question; later in it "问一下" means asking ("可以先问一下")."""
_ZH_FILLERS = ("那个", "这个嘛", "就是说", "就是", "然后呢", "然后")
"""Hesitations, dropped wherever they are."""
# Single characters are fillers only on their own or at either end: 额 is also in 额度.
_ZH_FILLER_CHARS = re.compile(r"(^|\s)[嗯呃额啊哦吧呀呢哈]+(?=\s|$)|^[嗯呃额啊哦]+|[啊吧呀呢哈]+$")
_EN_ER = re.compile(r"\b(?!ER\b)[eE][rR]+\b")
"""The hesitation "er"/"err", on the text as said: "ER" in capitals is the emergency room."""
_EN_FILLERS = re.compile(r"\b(um+|uh+|erm|hmm+|ah+|you know|i mean|please|kiosk)\b")
"""Hesitations and politeness, dropped wherever they are."""
_EN_OPENERS = re.compile(
    r"^((well|so|okay|ok|right|hey|hi|hello|excuse me|sorry|like|now)( |$))+"
)
"""Words that only open a sentence ("so, where…", "well, is there…"); elsewhere they mean
something: "not feeling well", "is that OK", "why is my bill so high"."""
_LIKE_MEANT = frozenset(
    {"d", "would", "feel", "feels", "felt", "look", "looks", "looked", "seem", "seems",
     "sounds", "it", "that", "this", "be", "something", "anything", "nothing", "t", "you"}
)
"""Words after which "like" is meant ("I'd like", "what's it like", "don't like"); after
others it is a hedge ("is there like a wifi thing")."""
_EN_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "there",
        "here",
        "to",
        "of",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "and",
        "or",
        "but",
        "if",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "have",
        "has",
        "had",
        "any",
        "some",
        "just",
        "also",
        "about",
        "get",
        "got",
    ]
)
_PUNCT = re.compile(r"[^\w\s]+")
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
"""A run of Chinese characters."""
_LATIN_OR_DIGIT = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def normalize(text: str) -> str:
    """Fold width and case, drop punctuation, squeeze spaces (NFKC: ＷｉＦｉ→wifi)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_PUNCT.sub(" ", text).split())


def strip_fillers(text: str, lang: Lang) -> str:
    """Remove hesitation and politeness words that carry no meaning for retrieval."""
    if lang == "zh":
        cleaned = normalize(text)
        for filler in _ZH_FILLERS:
            cleaned = cleaned.replace(filler, " ")
        opened = None
        while opened != cleaned:  # "嗯 请问一下 嗯 …": openers and hesitations, in any order
            opened = cleaned
            cleaned = _ZH_FILLER_CHARS.sub(" ", cleaned).strip()
            cleaned = next((cleaned[len(o):] for o in _ZH_OPENERS if cleaned.startswith(o)),
                           cleaned)
    else:
        cleaned = _EN_FILLERS.sub(" ", normalize(_EN_ER.sub(" ", text)))
        cleaned = _EN_OPENERS.sub("", " ".join(cleaned.split()))
        words = cleaned.split()
        cleaned = " ".join(
            word for i, word in enumerate(words)
            if word != "like" or (i > 0 and words[i - 1] in _LIKE_MEANT)
        )
    cleaned = " ".join(cleaned.split())
    return cleaned or normalize(text)


class Tokenizer:
    """Turns text into BM25 terms: jieba words plus their pinyin for Chinese, stems for English.

    Owns its own jieba instance (jieba's default one is a module global).
    """

    def __init__(self) -> None:
        logging.getLogger("jieba").setLevel(logging.WARNING)  # it logs its start-up at DEBUG
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self._stemmer = snowballstemmer.stemmer("english")

    def tokens(self, text: str) -> list[str]:
        """Terms of `text` in both scripts; Chinese and English parts are handled each their way."""
        text = normalize(text)
        terms: list[str] = []
        for word in self._search_words(text):
            word = word.strip()
            if not word or word in _ZH_STOPWORDS:
                continue
            terms.append(word)
            terms.append("py:" + "".join(lazy_pinyin(word, style=Style.NORMAL)))
        latin = HAN_RUN.sub(" ", text)
        words = [w for w in _LATIN_OR_DIGIT.findall(latin) if w not in _EN_STOP]
        terms.extend(self._stemmer.stemWords(words))
        return terms

    def cut(self, run: str) -> list[str]:
        """A run of Chinese as dictionary words; what no dictionary word covers comes out one
        character at a time (no guessing of new words)."""
        return list(self._jieba.cut(run, HMM=False))

    def words(self, text: str) -> list[str]:
        """The Chinese words of `text`, long ones and the shorter words inside them."""
        return self._search_words(normalize(text))

    def _search_words(self, normalized: str) -> list[str]:
        return [word for run in HAN_RUN.findall(normalized)
                for word in self._jieba.cut_for_search(run)]


_ZH_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "么",
        "是",
        "我",
        "你",
        "您",
        "他",
        "她",
        "在",
        "有",
        "和",
        "与",
        "就",
        "都",
        "也",
        "还",
        "要",
        "能",
        "会",
        "可以",
        "一下",
        "什么",
        "怎么",
        "怎么样",
        "如何",
        "哪里",
        "哪儿",
        "请",
        "想",
        "去",
        "到",
        "吧",
        "呢",
        "啊",
        "嗯",
        "这",
        "那",
        "个",
        "一",
        "给",
        "让",
        "被",
        "把",
        "我们",
        "你们",
        "这个",
        "那个",
        "请问",
    ]
)
