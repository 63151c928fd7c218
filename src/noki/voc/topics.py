"""Open-ended topics: TF-IDF + NMF over content tokens, sized to the corpus."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import threadpool_limits

MAX_TOPICS = 12
MIN_DOCS = 20
FIT_SAMPLE = 10_000  # per group: NMF is fitted on a sample at scale; every voice is then assigned
N_KEYWORDS = 6


@dataclass(frozen=True)
class TopicFit:
    """Keywords per topic and the topic of each doc (-1: no known word, thrown away)."""

    keywords: list[list[str]]
    assignment: np.ndarray
    weight: np.ndarray  # weight of the assigned topic, to pick representative voices


def topic_count(n_docs: int, n_terms: int) -> int:
    """About sqrt(n/10) topics: 3 for 100 voices, 10 for 1,000, capped at 12."""
    if n_docs < MIN_DOCS or n_terms < 4:
        return 0
    return max(2, min(MAX_TOPICS, round(math.sqrt(n_docs / 10)), n_terms // 3))


class _Keep:
    """Analyzer dropping function words (adverbs, pronouns): topics are made of content words."""

    def __init__(self, drop: frozenset[str]) -> None:
        self.drop = drop

    def __call__(self, tokens: Sequence[str]) -> list[str]:
        return [t for t in tokens if t not in self.drop]


def find_topics(token_lists: Sequence[Sequence[str]], *, drop: frozenset[str] = frozenset(),
                seed: int = 0, corpus_size: int | None = None,
                k: int | None = None) -> TopicFit:
    """Fit NMF on (a sample of) the voices and assign each voice its strongest topic."""
    n = len(token_lists)
    empty = TopicFit([], np.full(n, -1), np.zeros(n))
    if n < MIN_DOCS:
        return empty
    vectorizer = TfidfVectorizer(analyzer=_Keep(drop), sublinear_tf=True,
                                 min_df=max(2, (corpus_size or n) // 5000), max_df=0.5)
    try:
        x = vectorizer.fit_transform(token_lists)
    except ValueError:  # nothing survives min_df/max_df
        return empty
    terms = vectorizer.get_feature_names_out()
    k = topic_count(n, len(terms)) if k is None else min(k, len(terms) // 3)
    if k < 2:
        return empty
    rng = np.random.default_rng(seed)
    fit_rows = rng.choice(n, FIT_SAMPLE, replace=False) if n > FIT_SAMPLE else slice(None)
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=300)
    # Small dense BLAS calls: one thread is twice as fast as two on a busy 2-core machine.
    with threadpool_limits(limits=1):
        model.fit(x[fit_rows])
        w = model.transform(x)
    assignment = np.where(w.max(axis=1) > 0, w.argmax(axis=1), -1)
    keywords = [[str(terms[i]) for i in np.argsort(row)[::-1][:N_KEYWORDS] if row[i] > 0]
                for row in model.components_]
    return TopicFit(keywords, assignment, w.max(axis=1))


def topic_label(keywords: Sequence[str]) -> str:
    """A readable label: the top three words (orthBase forms, negation as 連絡+ない)."""
    return "・".join(keywords[:3]) or "(その他)"
