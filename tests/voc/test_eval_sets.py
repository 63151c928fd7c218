"""Hand-written evaluation voices (data/voc/eval/): kept out of training, scored per code."""

from __future__ import annotations

import pytest

from noki.voc.evaluate import score_unseen
from noki.voc.resources import eval_voices, training_examples
from noki.voc.taxonomy import CODES


@pytest.mark.parametrize("name", ["dev", "holdout", "holdout2"])
def test_eval_voices_are_not_training_voices(name: str) -> None:
    known = {e.text for e in training_examples()}
    voices = eval_voices(name)
    assert voices and not known & {v.text for v in voices}


@pytest.mark.parametrize("name", ["dev", "holdout", "holdout2"])
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


def test_closed_holdout2_keeps_the_measured_quality() -> None:
    # Measured once when closed (docs/voc.md): macro-F1 0.889, micro P 0.90 / R 0.88, lowest
    # recall inconsistent_info 0.75. A regression floor, not the issue's per-code target.
    result = score_unseen("holdout2")
    by_code = {s.code: s for s in result.scores}
    assert result.macro_f1 >= 0.85
    assert by_code["micro"].precision >= 0.85 and by_code["micro"].recall >= 0.80
    assert min(by_code[c].recall for c in CODES) >= 0.70
    assert result.none_false_positive_rate <= 0.10
