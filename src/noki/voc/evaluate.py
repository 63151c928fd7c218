"""Cross-validated per-code precision/recall of the gap classifier (and two baselines)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from pydantic import BaseModel

from noki.voc.classify import GapClassifier, fit, lexicon_matrix
from noki.voc.resources import Example, eval_voices, lexicon, training_examples
from noki.voc.taxonomy import CODES
from noki.voc.text import Tokenizer, default_tokenizer

EXPLANATION_SOURCES = frozenset({"explanations"})
# data/voc/eval/ sets in the order they were written; the last one stays closed (README there).
UNSEEN_SETS: tuple[str, ...] = ("dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5",
                                "holdout6")


class CodeScore(BaseModel):
    """Precision/recall/F1 of one code (or `micro`) with its support."""

    code: str
    precision: float
    recall: float
    f1: float
    support: int


class UnseenResult(BaseModel):
    """Scores of the shipped classifier on one hand-written evaluation set."""

    name: str
    n_voices: int
    scores: list[CodeScore]
    macro_f1: float
    none_false_positive_rate: float
    errors: list[dict[str, object]]  # text, register, expected, predicted


class EvalResult(BaseModel):
    """Scores per variant (combined, model_only, lexicon_only)."""

    n_examples: int
    folds: int
    variants: dict[str, list[CodeScore]]
    none_false_positive_rate: dict[str, float]  # share of code-free voices given any code


def score(predicted: Sequence[Sequence[str]], truth: Sequence[Sequence[str]]) -> list[CodeScore]:
    """Per-code and micro-averaged precision/recall/F1."""
    out, tp_all, fp_all, fn_all = [], 0, 0, 0
    for code in [*CODES, "micro"]:
        if code == "micro":
            tp, fp, fn = tp_all, fp_all, fn_all
        else:
            tp = sum(code in p and code in t for p, t in zip(predicted, truth, strict=True))
            fp = sum(code in p and code not in t for p, t in zip(predicted, truth, strict=True))
            fn = sum(code not in p and code in t for p, t in zip(predicted, truth, strict=True))
            tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out.append(CodeScore(code=code, precision=round(prec, 3), recall=round(rec, 3),
                             f1=round(f1, 3), support=tp + fn))
    return out


def _none_fpr(predicted: Sequence[Sequence[str]], truth: Sequence[Sequence[str]]) -> float:
    negatives = [p for p, t in zip(predicted, truth, strict=True) if not t]
    return round(sum(bool(p) for p in negatives) / len(negatives), 3) if negatives else 0.0


def cross_validate(examples: Sequence[Example] | None = None, *, folds: int = 5, seed: int = 0,
                   tokenizer: Tokenizer | None = None) -> EvalResult:
    """K-fold CV over voices; explanation examples always stay in training."""
    examples = training_examples() if examples is None else examples
    tok = default_tokenizer() if tokenizer is None else tokenizer
    tokens = [tok.tokens(e.text) for e in examples]
    voices = [i for i, e in enumerate(examples) if e.source not in EXPLANATION_SOURCES]
    always = [i for i, e in enumerate(examples) if e.source in EXPLANATION_SOURCES]
    random.Random(seed).shuffle(voices)
    preds: dict[str, dict[int, list[str]]] = {"combined": {}, "model_only": {}, "lexicon_only": {}}
    lex = lexicon()
    for k in range(folds):
        test = voices[k::folds]
        held = set(test)
        train_idx = [i for i in voices if i not in held] + always
        train_tokens = [tokens[i] for i in train_idx]
        train_labels = [examples[i].codes for i in train_idx]
        test_tokens = [tokens[i] for i in test]
        for name, weight in (("combined", 1.0), ("model_only", 0.0)):
            clf = fit(train_tokens, train_labels, lex, lexicon_weight=weight)
            preds[name].update(zip(test, clf.predict(test_tokens), strict=True))
        lex_x, allowed = lexicon_matrix(test_tokens, lex)
        dense = lex_x.toarray() > 0
        for row, i in enumerate(test):
            hit = [CODES[j] for j in range(len(CODES)) if dense[row, j] and allowed[row, j]]
            preds["lexicon_only"][i] = hit
    truth = [list(examples[i].codes) for i in voices]
    variants, fpr = {}, {}
    for name, by_index in preds.items():
        predicted = [by_index[i] for i in voices]
        variants[name] = score(predicted, truth)
        fpr[name] = _none_fpr(predicted, truth)
    return EvalResult(n_examples=len(voices), folds=folds, variants=variants,
                      none_false_positive_rate=fpr)


def score_sample(n: int, seed: int = 0) -> list[CodeScore]:
    """Scores on generated sample voices, whose phrasings the training data never contains."""
    from noki.sample.voices import sample_voices_labelled
    from noki.voc.classify import default_classifier

    pairs = list(sample_voices_labelled(n, seed))
    tok = default_tokenizer()
    predicted = default_classifier().predict([tok.tokens(v["text"]) for v, _ in pairs])
    return score(predicted, [list(codes) for _, codes in pairs])


def macro_f1(scores: Sequence[CodeScore]) -> float:
    """Unweighted mean F1 over the gap codes (micro row excluded)."""
    per_code = [s.f1 for s in scores if s.code != "micro"]
    return round(sum(per_code) / len(per_code), 3) if per_code else 0.0


def score_unseen(name: str, classifier: GapClassifier | None = None,
                 tokenizer: Tokenizer | None = None) -> UnseenResult:
    """Scores on data/voc/eval/<name>.tsv, voices written apart from the training data."""
    from noki.voc.classify import default_classifier

    voices = eval_voices(name)
    tok = default_tokenizer() if tokenizer is None else tokenizer
    clf = default_classifier() if classifier is None else classifier
    predicted = clf.predict([tok.tokens(v.text) for v in voices])
    truth = [list(v.codes) for v in voices]
    scores = score(predicted, truth)
    errors: list[dict[str, object]] = [
        {"text": v.text, "register": v.register, "expected": list(v.codes), "predicted": p}
        for v, p in zip(voices, predicted, strict=True) if set(p) != set(v.codes)
    ]
    return UnseenResult(name=name, n_voices=len(voices), scores=scores, macro_f1=macro_f1(scores),
                        none_false_positive_rate=_none_fpr(predicted, truth), errors=errors)
