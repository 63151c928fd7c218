"""build_report: voices + FAQ (+ notice templates) -> VocReport. Pure: no file or network I/O."""

from __future__ import annotations

import datetime as dt
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from noki.voc import gaps as g
from noki.voc.classify import GapClassifier, default_classifier
from noki.voc.models import (
    DocResult,
    Explanation,
    ExplanationDoc,
    FaqEntry,
    FaqProposal,
    Gap,
    Quote,
    Spike,
    VocReport,
    Voice,
    WordingProposal,
)
from noki.voc.proposals import propose
from noki.voc.taxonomy import BY_CODE, CODES
from noki.voc.text import Tokenizer, default_tokenizer
from noki.voc.topic_labels import LabelPhraser
from noki.voc.topic_summary import build_topics

N_EXAMPLES = 5
N_QUOTES = 3
QUOTE_CHARS = 160
_SENTENCE = re.compile(r"[^。!?\n]+[。!?]?")


def faq_docs(entries: Sequence[FaqEntry]) -> list[ExplanationDoc]:
    """FAQ entries as explanation documents (question and answer together)."""
    return [ExplanationDoc(id=e.id, kind="faq", title=e.question, text=f"{e.question}\n{e.answer}")
            for e in entries]


def explain(docs: Sequence[ExplanationDoc], clf: GapClassifier,
            tok: Tokenizer) -> list[Explanation]:
    """Codes each document explains (no domain gate): FAQ by its question, templates by sentence."""
    out = []
    for doc in docs:
        if doc.kind == "faq":
            # The question names what an entry explains; answers mention side topics
            # ("対応が異なります") that would claim coverage the entry does not give.
            units = [doc.title]
        else:
            # A template covers many subjects; its sentences are classified one by one too.
            units = [doc.text, *(m.group(0) for m in _SENTENCE.finditer(doc.text))]
        found: set[str] = set()
        for codes in clf.predict(tok.tokenize_all(units), gate=False):
            found.update(codes)
        out.append(Explanation(id=doc.id, kind=doc.kind, title=doc.title,
                               categories=[c for c in CODES if c in found]))
    return out


def _quote(v: Voice) -> Quote:
    text = v.text if len(v.text) <= QUOTE_CHARS else v.text[: QUOTE_CHARS - 1] + "…"
    return Quote(id=v.id, date=v.date, channel=v.channel, text=text)


def _representatives(members: np.ndarray, scores: np.ndarray, voices: Sequence[Voice],
                     n: int) -> list[int]:
    """Highest-scoring members, preferring readable lengths and distinct texts."""
    order = members[np.argsort(-scores[members], kind="stable")]
    picked: list[int] = []
    seen: set[str] = set()
    for i in order[: n * 20]:
        text = voices[int(i)].text
        key = _quote_key(text)
        if key in seen or not 8 <= len(text) <= 400:
            continue
        seen.add(key)
        picked.append(int(i))
        if len(picked) == n:
            break
    return picked or [int(i) for i in order[:n]]


def _quote_key(text: str) -> str:
    """Texts that differ only in width, spaces or punctuation are one quote ("…バラバラ!" twice)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text))


_PUNCT = re.compile(r"[\s!?.,。、…・~〜「」『』()（）]+")


def _keywords(members: np.ndarray, tokens: Sequence[Sequence[str]], df: Counter[str],
              n_docs: int, drop: frozenset[str]) -> list[str]:
    counts: Counter[str] = Counter()
    for i in members:
        counts.update(set(tokens[int(i)]))
    scored = {t: c * np.log(n_docs / df[t]) for t, c in counts.items() if t not in drop and c > 1}
    # Ties by term: the same voices give the same report whatever the hash seed.
    return [t for t, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:6]]


class _Clock:
    """Adds elapsed seconds per stage into an optional dict (for bench/voc.py)."""

    def __init__(self, sink: dict[str, float] | None) -> None:
        self.sink, self.last = sink, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.sink is not None:
            self.sink[stage] = self.sink.get(stage, 0.0) + now - self.last
        self.last = now


def build_report(voices: Sequence[Voice], faq_entries: Sequence[FaqEntry],
                 template_docs: Sequence[ExplanationDoc] | None = None, *,
                 classifier: GapClassifier | None = None, tokenizer: Tokenizer | None = None,
                 min_count: int = g.MIN_COUNT, min_share: float = g.MIN_SHARE,
                 timings: dict[str, float] | None = None,
                 label_phraser: LabelPhraser | None = None,
                 proposals: Mapping[str, Mapping[str, Any]] | None = None,
                 rule_tables: Collection[str] = (),
                 proposal_templates: Sequence[ExplanationDoc] | None = None) -> VocReport:
    """Classify, find topics, compare with the FAQ/templates and rank the explanation gaps."""
    clock = _Clock(timings)
    clf = default_classifier() if classifier is None else classifier
    tok = default_tokenizer() if tokenizer is None else tokenizer
    clock.lap("setup (tagger, classifier)")
    n = len(voices)
    tokens = tok.tokenize_all(v.text for v in voices)
    clock.lap("tokenize")
    probs = clf.proba(tokens)
    hits = probs >= clf.threshold
    clock.lap("classify")
    explanations = explain([*faq_docs(faq_entries), *(template_docs or [])], clf, tok)
    clock.lap("explanations (FAQ, templates)")

    week_of_voice = [g.week_of(v.date) for v in voices]
    weeks = g.all_weeks([v.date for v in voices])
    totals: Counter[dt.date] = Counter(week_of_voice)
    df: Counter[str] = Counter()
    for t in tokens:
        df.update(set(t))
    drop = frozenset(tok.function_words)

    gap_list: list[Gap] = []
    spike_list: list[Spike] = []
    for j, code in enumerate(CODES):
        members = np.flatnonzero(hits[:, j])
        info = BY_CODE[code]
        covered = [e.id for e in explanations if code in e.categories]
        points = g.weekly([week_of_voice[i] for i in members], weeks, totals)
        reps = _representatives(members, probs[:, j], voices, N_EXAMPLES)
        direction = g.trend(points, totals)
        gap_list.append(Gap(
            code=code, label=info.label, count=len(members),
            share=round(len(members) / n, 4) if n else 0.0,
            trend=direction, covered_by=covered,
            explained_not_working=g.is_explained_not_working(
                len(members), n, covered, direction.direction, min_count=min_count,
                min_share=min_share),
            flagged=g.is_flagged(len(members), n, covered, min_count=min_count,
                                 min_share=min_share),
            examples=[voices[i].id for i in reps], suggestion=info.suggestion,
            quotes=[_quote(voices[i]) for i in reps[:N_QUOTES]],
            keywords=_keywords(members, tokens, df, n, drop),
        ))
        spike_list += g.spikes(points, totals, kind="gap", key=code, label=info.label)
    gap_list.sort(key=lambda x: (not x.flagged, not x.explained_not_working, -x.count))
    clock.lap("gaps, trends, spikes")

    topic_list, topic_spikes, topic_of, unassigned = build_topics(
        voices, tokens, hits, domain=clf.lex.domain, drop=drop, tok=tok,
        week_of_voice=week_of_voice, weeks=weeks, totals=totals,
        representatives=_representatives, quote=_quote, phraser=label_phraser)
    spike_list += topic_spikes
    clock.lap("topics (TF-IDF + NMF, labels)")
    # model_construct: 100k rows of values built here need no re-validation.
    # Codes per voice through its row's bit pattern: few patterns, each spelled out once.
    patterns = hits.astype(np.int64) @ (1 << np.arange(len(CODES), dtype=np.int64))
    spelled = {int(m): [c for j, c in enumerate(CODES) if int(m) >> j & 1]
               for m in np.unique(patterns)}
    docs = [DocResult.model_construct(id=v.id, categories=spelled[m].copy(),
                                      topic=topic_of.get(i))
            for i, (v, m) in enumerate(zip(voices, patterns.tolist(), strict=True))]
    # Proposals cite the notice templates as evidence even when they are not explanations here.
    faq_proposals: list[FaqProposal] = []
    wording_proposals: list[WordingProposal] = []
    if proposals:
        evidence = list(proposal_templates if proposal_templates is not None
                        else template_docs or [])
        coverage = explanations if template_docs is not None else explain(evidence, clf, tok)
        faq_proposals, wording_proposals = propose(
            gap_list, proposals, evidence, rule_tables,
            {c: [e.id for e in coverage if e.kind == "template" and c in e.categories]
             for c in CODES})
    dates = [v.date for v in voices]
    clock.lap("topic summaries")
    return VocReport(
        n_voices=n, period_start=min(dates) if dates else None,
        period_end=max(dates) if dates else None, min_count=min_count, min_share=min_share,
        templates_used=template_docs is not None, weeks=g.weekly(week_of_voice, weeks, totals),
        gaps=gap_list, topics=topic_list, unassigned=unassigned,
        spikes=sorted(spike_list, key=lambda s: (s.week, -s.ratio), reverse=True),
        explanations=explanations, docs=docs, faq_proposals=faq_proposals,
        wording_proposals=wording_proposals,
    )
