"""FAQ retrieval over fugashi (unidic-lite) tokens: TF-IDF cosine between question and entries."""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from noki.faq.store import FaqEntry

CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "代名詞"}
# Light verbs and formal nouns carry no topic (see shared notes on Japanese NLP).
STOP_LEMMAS = {"為る", "居る", "有る", "成る", "出来る", "事", "物", "様", "為", "所", "方", "御",
               "下さる", "頂く", "致す", "申す", "思う", "言う", "此の", "其の", "何", "円",
               "教える", "知る", "分かる", "欲しい", "願う", "聞く", "伺う", "今日", "以前"}
# Words customers use for the same thing (lemma -> shared key).
SYNONYMS = {
    "届ける": "届く", "到着": "届く", "着く": "届く", "納品": "届く", "配送": "届く",
    "発送": "届く",
    "分納": "部分出荷", "払い戻し": "返金", "払い戻す": "返金", "取り消し": "キャンセル",
    "取り消す": "キャンセル", "代替": "代わり", "互換": "代わり", "遅い": "遅れる",
    "遅延": "遅れる",
    "延期": "遅れる", "延びる": "遅れる", "何時": "いつ",
}
QUESTION_WEIGHT = 2  # the question states the topic; the answer adds vocabulary


def make_tagger() -> Any:
    """A fugashi tagger on unidic-lite (a few ms; each FaqIndex owns one)."""
    import fugashi
    import unidic_lite

    # Both flags in one string: fugashi would otherwise look for the unidic package's dictionary.
    return fugashi.Tagger(f"-r {unidic_lite.DICDIR}/mecabrc -d {unidic_lite.DICDIR}")


def tokens(text: str, tagger: Any | None = None) -> list[str]:
    """Content-word keys of a text (lemmas, synonyms merged, ない kept on its verb)."""
    text = unicodedata.normalize("NFKC", text)[:5000]  # MeCab must never see huge inputs
    words = list((tagger or make_tagger())(text))
    out: list[str] = []
    for i, word in enumerate(words):
        feature = word.feature
        if feature.pos1 not in CONTENT_POS or feature.pos2 in ("数詞", "非自立可能"):
            continue
        lemma = (feature.lemma or word.surface).split("-")[0]
        if lemma in STOP_LEMMAS or (len(lemma) == 1 and not "\u4e00" <= lemma <= "\u9fff"):
            continue
        key = SYNONYMS.get(lemma, lemma)
        out.append(key)
        following = words[i + 1].feature.lemma if i + 1 < len(words) else None
        if feature.pos1 == "動詞" and following in ("ない", "ぬ"):
            out.append(f"{key}+ない")  # 届かない is the complaint, not 届く
    return out


@dataclass(frozen=True)
class Hit:
    """A FAQ entry and how well it matches a question (cosine, 0-1)."""

    entry: FaqEntry
    score: float


class FaqIndex:
    """TF-IDF vectors of the FAQ entries; search returns the best entries for a question."""

    def __init__(self, entries: list[FaqEntry]) -> None:
        self.entries = entries
        self.tagger = make_tagger()
        docs = [Counter(self.tokens(e.question) * QUESTION_WEIGHT + self.tokens(e.answer))
                for e in entries]
        df = Counter(term for doc in docs for term in doc)
        n = len(entries)
        self.idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
        self.vectors = [self._vector(doc) for doc in docs]

    def tokens(self, text: str) -> list[str]:
        """Content-word keys of a text with this index's tagger."""
        return tokens(text, self.tagger)

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        vec = {t: (1 + math.log(c)) * self.idf.get(t, 0.0) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items() if v}

    def search(self, question: str, k: int = 3) -> list[Hit]:
        """The k best-matching entries, best first (only entries sharing a term)."""
        query = self._vector(Counter(self.tokens(question)))
        scored = [
            Hit(entry, sum(w * vec.get(t, 0.0) for t, w in query.items()))
            for entry, vec in zip(self.entries, self.vectors, strict=True)
        ]
        return sorted((h for h in scored if h.score > 0), key=lambda h: -h.score)[:k]
