"""Benchmark: full VOC report for N generated voices vs raw fugashi tokenization of the same text.

Usage: .venv/bin/python bench/voc.py [--n 100000] [--seed 0]
Target (issue 6): whole pipeline <= 3x raw tokenization, total < 60 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import time

import fugashi
import unidic_lite

from noki.sample.voices import sample_voices
from noki.voc.classify import default_classifier
from noki.voc.html import render_html
from noki.voc.models import FaqEntry, Voice
from noki.voc.report import build_report
from noki.voc.text import default_tokenizer

FAQ = [
    FaqEntry(id="faq-eta", question="入荷予定日はいつ分かりますか?",
             answer="入荷予定日が確定しましたら、お届け予定日をメールでお知らせします。"),
    FaqEntry(id="faq-cancel", question="入荷待ちの注文をキャンセルできますか?",
             answer="発送前ならマイページからキャンセルできます。返金は5営業日以内です。"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    voices = [Voice.model_validate(v) for v in sample_voices(args.n, args.seed)]
    texts = [v.text for v in voices]
    chars = sum(map(len, texts))
    print(f"generated {len(voices):,} voices, {chars:,} chars in {time.perf_counter() - t0:.2f} s")

    dicdir = unidic_lite.DICDIR
    tagger = fugashi.Tagger(f"-r {dicdir}/mecabrc -d {dicdir}")
    t0 = time.perf_counter()
    for text in texts:
        [w.surface for w in tagger(text)]
    raw = time.perf_counter() - t0
    print(f"reference: raw fugashi tokenization (surfaces) {raw:.2f} s "
          f"({chars / raw / 1e6:.2f}M chars/s)")

    default_tokenizer(), default_classifier()  # warm: built once per process, not per report
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    report = build_report(voices, FAQ, timings=timings)
    t1 = time.perf_counter()
    json_text = report.model_dump_json()
    timings["json dump"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    html = render_html(report)
    timings["html render"] = time.perf_counter() - t1
    total = time.perf_counter() - t0

    print("\n| stage | seconds |\n|---|---|")
    for stage, seconds in timings.items():
        print(f"| {stage} | {seconds:.2f} |")
    print(f"| **total pipeline** | **{total:.2f}** |")
    print(f"\nratio pipeline / raw tokenization: {total / raw:.2f}x (target <= 3x)")
    print(f"total < 60 s: {'yes' if total < 60 else 'NO'}; json {len(json_text) / 1e6:.1f} MB, "
          f"html {len(html) / 1e3:.0f} kB; flagged: "
          f"{', '.join(x.code for x in report.gaps if x.flagged) or 'none'}; "
          f"topics {len(report.topics)}, unassigned {report.unassigned}, "
          f"spikes {len(report.spikes)}")


if __name__ == "__main__":
    main()
