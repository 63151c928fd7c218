"""Gap flagging, coverage by FAQ/templates, trends and spikes on constructed corpora."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from noki.voc import gaps as g
from noki.voc.models import ExplanationDoc, FaqEntry, Voice, WeekPoint
from noki.voc.report import build_report

START = dt.date(2026, 9, 7)  # a Monday
DELAYED = [
    "お届け予定日がまた延期されました。これで{n}回目です",
    "{n}度目の延期連絡が来た。予定日が延びてばかり",
    "注文品の納期がまた変更になった。延期はもう{n}回目",
]
NEUTRAL = "とても使いやすい商品でした。ありがとうございます{n}"
REDELAY_FAQ = FaqEntry(id="faq-redelay", question="お届け予定日が再度延期になることはありますか?",
                       answer="再延期となる場合は、理由と新しい予定日を事前にご連絡いたします。")
UNRELATED_FAQ = FaqEntry(id="faq-points", question="ポイントはいつ付きますか?",
                         answer="ポイントは発送後3日以内に付与されます。")


def corpus(n_delay: int, n_neutral: int) -> list[Voice]:
    voices = [Voice(id=f"d{i}", date=START + dt.timedelta(days=i % 40), channel="review",
                    text=DELAYED[i % 3].format(n=i % 5 + 2)) for i in range(n_delay)]
    voices += [Voice(id=f"n{i}", date=START + dt.timedelta(days=i % 40), channel="sns",
                     text=NEUTRAL.format(n=i)) for i in range(n_neutral)]
    return voices


def gap(report, code):  # type: ignore[no-untyped-def]
    return next(x for x in report.gaps if x.code == code)


def test_frequent_unexplained_gap_is_flagged() -> None:
    report = build_report(corpus(12, 60), [UNRELATED_FAQ])
    redelay = gap(report, "repeated_delay")
    assert redelay.count == 12 and redelay.flagged and redelay.covered_by == []
    assert set(redelay.examples) <= {f"d{i}" for i in range(12)}
    assert not gap(report, "cancel_refund_process").flagged


def test_gap_explained_by_the_faq_is_not_flagged() -> None:
    report = build_report(corpus(12, 60), [UNRELATED_FAQ, REDELAY_FAQ])
    redelay = gap(report, "repeated_delay")
    assert redelay.covered_by == ["faq-redelay"] and not redelay.flagged


def test_template_counts_as_explanation_only_when_given() -> None:
    template = ExplanationDoc(id="notice/redelay.j2", kind="template", title="notice/redelay.j2",
                              text="お届け予定日が再度延期となりました。延期の理由は  です。")
    without = build_report(corpus(12, 60), [])
    with_tpl = build_report(corpus(12, 60), [], [template])
    assert gap(without, "repeated_delay").flagged
    assert gap(with_tpl, "repeated_delay").covered_by == ["notice/redelay.j2"]
    assert not gap(with_tpl, "repeated_delay").flagged


@pytest.mark.parametrize(
    "n_delay, n_neutral, flagged",
    [(4, 20, False), (5, 20, True), (6, 400, False), (13, 400, True)],
    ids=["4-voices", "5-voices", "1.5-percent", "3.1-percent"],
)
def test_flag_needs_five_voices_and_three_percent(n_delay: int, n_neutral: int,
                                                  flagged: bool) -> None:
    report = build_report(corpus(n_delay, n_neutral), [])
    assert gap(report, "repeated_delay").count == n_delay
    assert gap(report, "repeated_delay").flagged is flagged


def test_every_voice_has_a_doc_and_codes_only_from_the_taxonomy() -> None:
    voices = corpus(8, 30)
    report = build_report(voices, [])
    assert [d.id for d in report.docs] == [v.id for v in voices]
    assert all(d.categories == [] for d in report.docs if d.id.startswith("n"))
    assert len(report.gaps) == 8


def _points(counts: list[int], total: int = 100) -> tuple[list[WeekPoint], Counter[dt.date]]:
    weeks = [START + dt.timedelta(weeks=i) for i in range(len(counts))]
    totals = Counter(dict.fromkeys(weeks, total))
    return [WeekPoint(week=w, count=c, share=c / total) for w, c in zip(weeks, counts,
                                                                         strict=True)], totals


def test_weekly_jump_is_a_spike_and_steady_series_is_not() -> None:
    points, totals = _points([3, 2, 3, 2, 3, 14])
    found = g.spikes(points, totals, kind="gap", key="eta_vague", label="x")
    assert [s.week for s in found] == [points[-1].week]
    assert found[0].baseline == pytest.approx(2.5)
    steady, totals = _points([3, 2, 3, 2, 3, 3])
    assert g.spikes(steady, totals, kind="gap", key="eta_vague", label="x") == []


def test_spike_is_relative_to_volume() -> None:
    # Twice the voices in the last week, same share: not a spike.
    points, totals = _points([5, 5, 5, 5, 10])
    totals[points[-1].week] = 200
    assert g.spikes(points, totals, kind="gap", key="k", label="x") == []


def test_trend_direction() -> None:
    rising, totals = _points([2, 2, 2, 2, 2, 2, 8, 9])
    assert g.trend(rising, totals).direction == "rising"
    falling, totals = _points([9, 9, 9, 9, 9, 9, 2, 1])
    assert g.trend(falling, totals).direction == "falling"


def test_topics_are_found_with_readable_labels_and_few_voices_thrown_away() -> None:
    from noki.sample.voices import sample_voices

    voices = [Voice.model_validate(v) for v in sample_voices(600, 5)]
    report = build_report(voices, [])
    assert 3 <= len(report.topics) <= 12
    assert report.unassigned <= len(voices) * 0.1
    assert sum(t.size for t in report.topics) + report.unassigned == len(voices)
    for topic in report.topics:
        assert topic.label and not any("-" in k for k in topic.keywords)  # no UniDic lemmas
        assert topic.examples and topic.quotes


def test_quotes_that_differ_only_in_punctuation_or_width_are_quoted_once() -> None:
    variants = ["担当の人ごとに言うことがバラバラ、また延期の連絡ばかり",
                "担当の人ごとに言うことがバラバラ、また延期の連絡ばかり!",
                "担当の人ごとに言うことがバラバラ　また延期の連絡ばかり！！"]
    voices = corpus(12, 40) + [
        Voice(id=f"v{i}", date=START + dt.timedelta(days=i), channel="sns", text=variants[i % 3])
        for i in range(9)]
    report = build_report(voices, [UNRELATED_FAQ])
    for g_ in report.gaps:
        keys = ["".join(ch for ch in q.text if ch.isalnum()) for q in g_.quotes]
        assert len(keys) == len(set(keys)), (g_.code, [q.text for q in g_.quotes])
