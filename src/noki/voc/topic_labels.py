"""Readable topic labels: class-based TF-IDF keywords, filler terms dropped, a phrase from voices.

A label is a short phrase cut from the topic's own representative voices (「入荷予定が未定から
変わらない」), chosen because it holds the topic's strongest keywords; a configured model may
phrase it instead, but its label is kept only when every content word of it occurs in the quotes.
The keyword label (「入荷予定・未定」) is the fallback.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

from noki.voc.text import Tokenizer

N_KEYWORDS = 6
FILLER_TOPIC_SHARE = 0.2  # a term among the top keywords of more topics than this is filler
MIN_PHRASE, MAX_PHRASE = 4, 24
_CLAUSE = re.compile(r"[^。!?！？…\n]+")
_LEAD = re.compile(r"^(?:正直|ちょっと聞いて|あの|えっと|すみません"
                   r"|いつもお世話になっております)[、,]?\s*")
_EDGE = " 、,「」『』()()"
# (keywords, quotes) -> a label, or None. The port for a model that phrases labels.
LabelPhraser = Callable[[list[str], list[str]], str | None]


def class_tfidf(groups: Sequence[Sequence[Sequence[str]]], drop: frozenset[str] = frozenset(),
                n: int = N_KEYWORDS) -> list[list[str]]:
    """Top terms per topic by c-TF-IDF: a term's share in the topic x log(1 + A / its total)."""
    counts = [Counter(t for doc in docs for t in set(doc) if t not in drop) for docs in groups]
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    avg = sum(total.values()) / max(len(counts), 1)
    out = []
    for c in counts:
        size = sum(c.values()) or 1
        scored = {t: (k / size) * math.log(1 + avg / total[t]) for t, k in c.items() if k > 1}
        out.append([t for t, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:n]])
    return out


def filler_terms(keyword_lists: Sequence[Sequence[str]]) -> frozenset[str]:
    """Terms that sit among the top keywords of many topics: they describe none of them."""
    if len(keyword_lists) < 3:
        return frozenset()
    seen = Counter(t for words in keyword_lists for t in set(words))
    limit = max(2, math.ceil(FILLER_TOPIC_SHARE * len(keyword_lists)))
    return frozenset(t for t, k in seen.items() if k >= limit)


def keyword_label(keywords: Sequence[str]) -> str:
    """Fallback label: the two strongest keywords (negation shown as 〜ない)."""
    shown = [k.replace("+ない", "ない") for k in keywords[:2]]
    return "・".join(shown) or "(その他)"


def _clauses(text: str) -> list[str]:
    out = []
    for m in _CLAUSE.finditer(text):
        clause = _LEAD.sub("", m.group().strip(_EDGE))
        if MIN_PHRASE <= len(clause) <= MAX_PHRASE * 2:
            out.append(clause)
    return out


def phrase_label(keywords: Sequence[str], texts: Sequence[str], tok: Tokenizer) -> str | None:
    """The shortest clause of the voices that holds the most of the top three keywords."""
    top = list(keywords[:3])
    best: tuple[int, int, str] | None = None
    for text in texts:
        for clause in _clauses(text):
            tokens = set(tok.tokens(clause))
            hits = sum(k in tokens for k in top)
            if not hits:
                continue
            phrase = clause if len(clause) <= MAX_PHRASE else clause[:MAX_PHRASE - 1] + "…"
            key = (-hits, len(phrase), phrase)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def grounded(label: str, quotes: Sequence[str], tok: Tokenizer) -> bool:
    """Every content word of a (model-written) label occurs in the topic's quotes."""
    words = set(tok.tokens(label))
    if not words or len(label) > MAX_PHRASE + 8:
        return False
    known: set[str] = set()
    for q in quotes:
        known.update(tok.tokens(q))
    known |= {w.removesuffix("+ない") for w in known}
    return all(w in known or w.removesuffix("+ない") in known for w in words)


def label_topic(keywords: Sequence[str], texts: Sequence[str], tok: Tokenizer,
                phraser: LabelPhraser | None = None) -> tuple[str, str]:
    """(label, source): model phrase if grounded, else a phrase from the voices, else keywords."""
    if phraser is not None:
        try:
            proposed = phraser(list(keywords), list(texts))
        except Exception:  # noqa: BLE001 - a failing model never blocks the report
            proposed = None
        if proposed and grounded(proposed.strip(), texts, tok):
            return proposed.strip(), "model"
    phrase = phrase_label(keywords, texts, tok)
    if phrase:
        return phrase, "phrase"
    return keyword_label(keywords), "keywords"
