"""Topics for the report: voices split into delivery/communication vs product/other, NMF per
group, class-based TF-IDF keywords without filler terms, and a readable label per topic."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from noki.voc import gaps as g
from noki.voc.models import Quote, Spike, Topic, Voice
from noki.voc.resources import topic_filler
from noki.voc.taxonomy import CODES
from noki.voc.text import Tokenizer
from noki.voc.topic_labels import LabelPhraser, class_tfidf, filler_terms, label_topic
from noki.voc.topics import find_topics, topic_count

GROUP_LABELS = {"delivery": "配送・連絡", "product": "お褒め・商品・その他"}
# Domain words too general to say a voice is about delivery ("届いた商品、最高").
_GENERIC = frozenset({"商品", "注文", "届く", "届ける", "メーカー", "手元", "部品", "在庫", "発売",
                      "変更", "見積", "見積書", "回答", "担当", "事情", "契約", "チャット", "日程"})
# Words that put a voice among delivery/communication although the classifier gate ignores them.
_DELIVERY_EXTRA = frozenset({"近日", "日付", "予定", "到着", "配達", "待つ", "遅い", "まだ"})


# Praise: a code-free voice with one of these is a compliment, even about the delivery
# (「入荷待ちだったけど予告どおりに届いた、ありがたい」), and sits with praise and product reviews.
_PRAISE = frozenset({"ありがたい", "満足", "大満足", "助かる", "最高", "好印象", "印象", "感謝",
                     "嬉しい", "うれしい", "よい", "良い", "ていねい", "丁寧", "安心", "気持ちよい",
                     "素晴らしい", "さすが", "リピート", "おすすめ"})


MIN_COVERAGE = 0.4  # share of a topic's voices holding one of its top three keywords


def coverage(words: Sequence[str], token_lists: Sequence[Sequence[str]]) -> float:
    """Share of the voices that contain at least one of `words`."""
    wanted = set(words)
    hit = sum(not wanted.isdisjoint(t) for t in token_lists)
    return hit / len(token_lists) if len(token_lists) else 0.0


def voice_groups(tokens: Sequence[Sequence[str]], hits: np.ndarray,
                 domain: frozenset[str]) -> list[str]:
    """delivery: a gap code or a delivery/contact word and no praise; product: praise, product
    reviews, other requests."""
    strict = (domain - _GENERIC) | _DELIVERY_EXTRA
    return ["delivery" if hits[i].any() or (not strict.isdisjoint(t) and _PRAISE.isdisjoint(t))
            else "product" for i, t in enumerate(tokens)]


def build_topics(voices: Sequence[Voice], tokens: Sequence[Sequence[str]], hits: np.ndarray,
                 *, domain: frozenset[str], drop: frozenset[str], tok: Tokenizer,
                 week_of_voice: Sequence[dt.date], weeks: Sequence[dt.date],
                 totals: Counter[dt.date], representatives: Callable[..., list[int]],
                 quote: Callable[[Voice], Quote], phraser: LabelPhraser | None = None,
                 ) -> tuple[list[Topic], list[Spike], dict[int, str], int]:
    """(topics, topic spikes, topic id per voice index, voices without a topic)."""
    groups = voice_groups(tokens, hits, domain)
    drop = drop | topic_filler()
    fits = []
    # The corpus's topic budget (3 for 100 voices ... 12) shared by the groups' sizes.
    budget = topic_count(len(tokens), 10**6)
    for group in ("delivery", "product"):
        index = np.array([i for i, gname in enumerate(groups) if gname == group], dtype=int)
        k = max(2, round(budget * len(index) / max(len(tokens), 1)))
        fit = find_topics([tokens[i] for i in index], drop=drop, corpus_size=len(tokens), k=k)
        members = [index[np.flatnonzero(fit.assignment == k)] for k in range(len(fit.keywords))]
        fits.append((group, index, fit, members))
    all_members = [m for _, _, _, ms in fits for m in ms]
    keywords = class_tfidf([[tokens[i] for i in m] for m in all_members], drop=drop, n=10)
    filler = filler_terms(keywords) | topic_filler()
    topics: list[Topic] = []
    spikes: list[Spike] = []
    topic_of: dict[int, str] = {}
    unassigned = 0
    n = 0
    for group, index, fit, members in fits:
        unassigned += int((fit.assignment < 0).sum()) if len(index) else 0
        for k, m in enumerate(members):
            words = [w for w in keywords[n + k] if w not in filler][:6]
            if not len(m):
                continue
            tid = f"t{len(topics) + 1}"
            local = np.flatnonzero(fit.assignment == k)
            weight = np.zeros(len(voices))
            weight[index[local]] = fit.weight[local]
            reps = representatives(m, weight, voices, 20)  # phrases come from these
            texts = [voices[i].text for i in reps]
            label, source = label_topic(words, texts, tok, phraser)
            if coverage(words[:3], [tokens[i] for i in m]) < MIN_COVERAGE:
                # A residual topic: most of its voices share none of its keywords, so one quote
                # would misname it. Say so instead of labelling it after one of its voices.
                label = f"その他の声({'・'.join(w.removesuffix('+ない') for w in words[:2])}など)"
                label, source = label[:24], "mixed"
            points = g.weekly([week_of_voice[i] for i in m], weeks, totals)
            code_counts = hits[m].sum(axis=0)
            linked = [CODES[c] for c in np.argsort(-code_counts)[:2]
                      if code_counts[c] * 4 >= len(m)]
            topics.append(Topic(id=tid, label=label, keywords=words, size=len(m),
                                trend=g.trend(points, totals),
                                examples=[voices[i].id for i in reps[:5]],
                                quotes=[quote(voices[i]) for i in reps[:3]], codes=linked,
                                group=group, label_source=source))
            spikes += g.spikes(points, totals, kind="topic", key=tid, label=label)
            topic_of.update({int(i): tid for i in m})
        n += len(members)
    order = {"delivery": 0, "product": 1}
    topics.sort(key=lambda t: (order[t.group], -t.size))
    return topics, spikes, topic_of, unassigned
