"""Multi-label gap classifier: TF-IDF logistic regression, lexicon evidence and a domain gate."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from noki.voc.cues import CONTRAST_TOKEN
from noki.voc.resources import PAIR, Example, Lexicon, lexicon, training_examples
from noki.voc.taxonomy import CODES
from noki.voc.text import NEG_SUFFIX, Tokenizer, default_tokenizer

THRESHOLD = 0.5
WINDOW = 4  # "A ~ B" lexicon entries: at most this many tokens apart
LEXICON_WEIGHT = 1.0  # lexicon columns sit beside l2-normalised TF-IDF rows
C = 4.0


def features(tokens: Sequence[str]) -> list[str]:
    """Unigrams and adjacent bigrams ("連絡+ない 不安") of one voice."""
    return [*tokens, *(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))]


@dataclass(frozen=True)
class _Evidence:
    """What a voice is looked up against: one Lexicon's entries, indexed once per batch."""

    keys: frozenset[str]  # every domain word and code entry
    columns: dict[str, tuple[int, ...]]  # code entry -> the codes (CODES indexes) it is evidence of
    heads: frozenset[str]  # "A B ..." entries: every A that a token bigram "A B" could start
    lex: Lexicon

    @classmethod
    def of(cls, lex: Lexicon) -> _Evidence:
        columns: dict[str, list[int]] = {}
        for j, code in enumerate(CODES):
            for entry in lex.codes.get(code, ()):
                columns.setdefault(entry, []).append(j)
        keys = frozenset(lex.domain | columns.keys())
        heads = frozenset(k[:i] for k in keys for i, ch in enumerate(k) if ch == " ")
        return cls(keys=keys, columns={k: tuple(v) for k, v in columns.items()}, heads=heads,
                   lex=lex)

    def found(self, tokens: Sequence[str], present: set[str]) -> set[str]:
        """The entries a voice holds among its unigrams, adjacent bigrams ("連絡+ない 不安"),
        topic forms (理由+ない counts for 理由) and near pairs ("A ~ B", WINDOW tokens)."""
        keys, heads = self.keys, self.heads
        found = present & keys
        for t in present:
            if t.endswith(NEG_SUFFIX) and t.removesuffix(NEG_SUFFIX) in keys:
                found.add(t.removesuffix(NEG_SUFFIX))
        if not heads.isdisjoint(present):
            for head, tail in zip(tokens, tokens[1:], strict=False):
                if head in heads and f"{head} {tail}" in keys:
                    found.add(f"{head} {tail}")
        pair_words = self.lex.pair_words
        if pair_words.isdisjoint(present):
            return found
        near = [(i, t) for i, t in enumerate(tokens) if t in pair_words]
        for a, (i, first) in enumerate(near):
            for j, second in near[a + 1:]:
                if j - i > WINDOW:
                    break
                for pair in (f"{first}{PAIR}{second}", f"{second}{PAIR}{first}"):
                    if pair in keys:
                        found.add(pair)
        return found


def source_kinds(tokens: Collection[str], lex: Lexicon) -> set[str]:
    """Kinds of information source a voice names (web, mail, phone, staff, store ...)."""
    present = tokens if isinstance(tokens, (set, frozenset)) else set(tokens)
    return {kind for kind, words in lex.sources.items() if not words.isdisjoint(present)}


def sources_compared(tokens: Collection[str], lex: Lexicon) -> bool:
    """Two kinds of source, or one source and a reported statement set against something.

    「サイトは在庫ありなのにメールでは入荷待ち」 names two; 「サイトでは在庫ありだったのに」 one,
    with the contrast cue of noki.voc.cues.
    """
    kinds = len(source_kinds(tokens, lex))
    return kinds >= 2 or (kinds == 1 and CONTRAST_TOKEN in tokens)


def statements_contradict(tokens: Sequence[str], said: frozenset[str],
                          contradictions: frozenset[str]) -> bool:
    """A statement or source word within WINDOW tokens of a contradiction word (「話が違う」)."""
    at = [i for i, t in enumerate(tokens) if t in said]
    return any(abs(i - j) <= WINDOW for j, t in enumerate(tokens) if t in contradictions
               for i in at)


def lexicon_matrix(token_lists: Sequence[Sequence[str]], lex: Lexicon,
                   weight: float = LEXICON_WEIGHT) -> tuple[sp.csr_matrix, np.ndarray]:
    """(docs x codes+1) lexicon evidence (0 or weight), and (docs x codes) codes allowed.

    The last column is the "sources compared" cue. A code is allowed when the voice has a domain
    word (order, delivery, stock, follow-up); without one only inconsistent_info is, and only
    when statements are set against each other.
    """
    rows, cols = [], []
    allowed = np.zeros((len(token_lists), len(CODES)), dtype=bool)
    evidence = _Evidence.of(lex)
    columns, domain = evidence.columns, lex.domain
    said = lex.statements.union(*lex.sources.values())
    inconsistent = CODES.index("inconsistent_info")
    for i, tokens in enumerate(token_lists):
        present = set(tokens)
        found = evidence.found(tokens, present)
        if not domain.isdisjoint(found):
            allowed[i] = True
        elif statements_contradict(tokens, said, lex.contradictions):
            allowed[i, inconsistent] = True
        hit = {j for entry in found for j in columns.get(entry, ())}
        for j in sorted(hit):
            rows.append(i)
            cols.append(j)
        if sources_compared(present, lex):
            rows.append(i)
            cols.append(len(CODES))
    data = np.full(len(rows), weight)
    shape = (len(token_lists), len(CODES) + 1)
    return sp.csr_matrix((data, (rows, cols)), shape=shape), allowed


@dataclass
class GapClassifier:
    """Fitted classifier: probabilities per code, then threshold and domain gate."""

    vectorizer: TfidfVectorizer
    models: list[LogisticRegression | None]  # None: code never seen in training
    lex: Lexicon
    lexicon_weight: float = LEXICON_WEIGHT
    threshold: float = THRESHOLD

    def _matrix(self, token_lists: Sequence[Sequence[str]]) -> tuple[sp.csr_matrix, np.ndarray]:
        lex_x, allowed = lexicon_matrix(token_lists, self.lex, self.lexicon_weight)
        return sp.hstack([self.vectorizer.transform(token_lists), lex_x], format="csr"), allowed

    def proba(self, token_lists: Sequence[Sequence[str]], *, gate: bool = True) -> np.ndarray:
        """(docs x codes) probabilities; zero when gated and the code is not allowed."""
        if not token_lists:
            return np.zeros((0, len(CODES)))
        # Voices with the same tokens are scored once (each row depends on its voice alone).
        row_of: dict[tuple[str, ...], int] = {}
        rows = np.fromiter((row_of.setdefault(tuple(t), len(row_of)) for t in token_lists),
                           dtype=np.intp, count=len(token_lists))
        x, allowed = self._matrix(list(row_of))
        out = np.zeros((len(row_of), len(CODES)))
        for j, model in enumerate(self.models):
            if model is not None:
                out[:, j] = model.predict_proba(x)[:, 1]
        if gate:
            # Out-of-domain guard: a hotel review mentioning 連絡 or また is not a backorder gap.
            out[~allowed] = 0.0
        return out[rows]

    def predict(self, token_lists: Sequence[Sequence[str]], *, gate: bool = True,
                threshold: float | None = None) -> list[list[str]]:
        """Codes per doc (taxonomy order)."""
        cut = self.threshold if threshold is None else threshold
        probs = self.proba(token_lists, gate=gate)
        return [[CODES[j] for j in np.flatnonzero(row >= cut)] for row in probs]


def fit(token_lists: Sequence[Sequence[str]], labels: Sequence[Sequence[str]],
        lex: Lexicon | None = None, *, c: float = C,
        lexicon_weight: float = LEXICON_WEIGHT) -> GapClassifier:
    """Train one balanced logistic regression per code on tokenized examples."""
    lex = lexicon() if lex is None else lex
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=1)
    text_x = vectorizer.fit_transform(token_lists)
    lex_x, _ = lexicon_matrix(token_lists, lex, lexicon_weight)
    x = sp.hstack([text_x, lex_x], format="csr")
    models: list[LogisticRegression | None] = []
    for code in CODES:
        y = np.array([code in codes for codes in labels])
        if y.all() or not y.any():
            models.append(None)
            continue
        model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear")
        models.append(model.fit(x, y))
    return GapClassifier(vectorizer=vectorizer, models=models, lex=lex,
                         lexicon_weight=lexicon_weight)


def train(examples: Sequence[Example] | None = None,
          tokenizer: Tokenizer | None = None) -> GapClassifier:
    """Fit on the shipped labelled examples (data/voc/train/); well under a second."""
    examples = training_examples() if examples is None else examples
    tok = default_tokenizer() if tokenizer is None else tokenizer
    return fit([tok.tokens(e.text) for e in examples], [e.codes for e in examples])


@lru_cache(maxsize=1)
def default_classifier() -> GapClassifier:
    """The classifier trained once per process on the shipped examples."""
    return train()
