"""Hand-written evaluation voices (data/voc/eval/): kept out of training, scored per code."""

from __future__ import annotations

import unicodedata

import pytest

from noki.voc.evaluate import UNSEEN_SETS, score_unseen
from noki.voc.resources import eval_voices, training_examples
from noki.voc.taxonomy import CODES

SETS = list(UNSEEN_SETS)


def _normal(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


@pytest.mark.parametrize("name", SETS)
def test_eval_voices_are_not_training_voices(name: str) -> None:
    # Compared without punctuation/spacing too, so a copy with one 。 changed still counts.
    known = {_normal(e.text) for e in training_examples()}
    voices = eval_voices(name)
    assert voices and not known & {_normal(v.text) for v in voices}


def test_eval_sets_do_not_repeat_each_other() -> None:
    seen: dict[str, str] = {}
    for name in SETS:
        for v in eval_voices(name):
            assert _normal(v.text) not in seen, (name, seen.get(_normal(v.text)), v.text)
            seen[_normal(v.text)] = name


@pytest.mark.parametrize("name", SETS)
def test_eval_sets_cover_every_code_and_register(name: str) -> None:
    voices = eval_voices(name)
    per_code = {c: sum(c in v.codes for v in voices) for c in CODES}
    assert min(per_code.values()) >= 10, per_code
    assert sum(not v.codes for v in voices) >= 20
    assert {"sns", "keigo", "phone", "btob", "car"} <= {v.register for v in voices}


def test_dev_set_meets_the_issue_targets() -> None:
    # The dev set drove the lexicon changes: these figures are the optimistic ones.
    result = score_unseen("dev")
    by_code = {s.code: s for s in result.scores}
    assert result.macro_f1 >= 0.85
    assert all(by_code[c].recall >= 0.80 for c in CODES), result.scores
    assert by_code["micro"].precision >= 0.85


def test_first_holdout_does_not_regress() -> None:
    # 0.825 macro-F1 when it was closed; its errors were read in the second round (now 0.948).
    result = score_unseen("holdout")
    assert result.macro_f1 >= 0.90
    assert result.none_false_positive_rate <= 0.10


def test_holdout2_keeps_the_measured_quality() -> None:
    # Measured once when closed (docs/voc.md): macro-F1 0.889, micro P 0.90 / R 0.88, lowest
    # recall inconsistent_info 0.75. Its errors were read in round 3 (now 0.960).
    result = score_unseen("holdout2")
    by_code = {s.code: s for s in result.scores}
    assert result.macro_f1 >= 0.85
    assert by_code["micro"].precision >= 0.85 and by_code["micro"].recall >= 0.80
    assert min(by_code[c].recall for c in CODES) >= 0.70
    assert result.none_false_positive_rate <= 0.10


@pytest.mark.parametrize("name", ["holdout3", "holdout4", "holdout5"])
def test_read_holdouts_meet_the_issue_targets(name: str) -> None:
    # Written before tuning, scored, then their errors were read (rounds 3, 4 and 5): now
    # development sets, so these figures are optimistic; they guard against regressions.
    # holdout5 was closed at 0.918 with inconsistent_info recall 0.73 (8 of 11).
    result = score_unseen(name)
    by_code = {s.code: s for s in result.scores}
    assert result.macro_f1 >= 0.90
    assert all(by_code[c].recall >= 0.80 for c in CODES), result.scores
    assert by_code["micro"].precision >= 0.85


def test_closed_holdout6_keeps_the_measured_quality() -> None:
    # Written and committed before holdout5's errors were read, scored once at the end of
    # round 5 and never read (docs/voc.md): macro-F1 0.915, micro P 0.88 / R 0.95, every
    # code's recall >= 0.92 (inconsistent_info 17 of 17), eta_vague precision 0.65.
    # A regression floor below the measured figures.
    result = score_unseen("holdout6")
    by_code = {s.code: s for s in result.scores}
    assert result.macro_f1 >= 0.90
    assert by_code["micro"].precision >= 0.85 and by_code["micro"].recall >= 0.90
    assert min(by_code[c].recall for c in CODES) >= 0.85
    assert result.none_false_positive_rate <= 0.10
