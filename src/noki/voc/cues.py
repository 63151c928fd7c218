"""Clause cues carried by particles, which the content tokens lose.

「来週と言われたのに」「在庫ありって話だったけど」「サイトでは在庫ありだったのに」: a quoted
statement (と/って + 言う, 聞く, 話, こと ...) or a source marked with では, followed by a contrast
(のに, けど, が, ものの), is how customers set one statement against another. 言う is a stopword
and のに a particle, so without this cue none of it reaches the classifier: the tokenizer emits
`CONTRAST_TOKEN` where it fires.
"""

from __future__ import annotations

from collections.abc import Sequence

CONTRAST_TOKEN = "前言+のに"
QUOTE = frozenset({"と", "って", "とか"})
# Words that report a statement when a quote particle precedes them (と伺う, って話, とのこと).
REPORT = frozenset({"言う", "聞く", "伺う", "おっしゃる", "仰る", "案内", "説明", "回答", "話",
                    "こと", "事", "書く", "記載", "表示", "伝える", "話す", "申す", "承る"})
# Reporting even without a quote particle (「言ってたのに」).
ALWAYS_REPORT = frozenset({"言う", "おっしゃる", "仰る"})
CONTRAST = frozenset({"けど", "けれど", "けれども", "が", "ものの"})
QUOTE_REACH = 3  # morphemes from the quote particle to the reporting word (と の こと)
_FAR = -QUOTE_REACH - 1  # no quote particle within reach
_BREAK = frozenset({"補助記号", "空白"})
_OPEN = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "代名詞", "接続詞"})
_QUOTE_POS2 = frozenset({"格助詞", "副助詞", "接続助詞"})
# The cue fires only on a contrast particle (けど, が ... as 接続助詞) or on のに (の as 準体助詞,
# then に): in the tokenizer's "surface\tpos1\tpos2\tbase\n" lines, one of these substrings.
_FIRE_NEEDS = ("\t準体助詞\t", *(f"\t接続助詞\t{c}\n" for c in sorted(CONTRAST)))


def may_fire(parsed: str) -> bool:
    """False when the cue cannot fire on this MeCab output (a cheap test before the scan)."""
    return any(needle in parsed for needle in _FIRE_NEEDS)


def contrast_points(morphemes: Sequence[str]) -> list[int]:
    """Indexes of the morphemes where a reported statement is set against something.

    `morphemes` is one text's flat [surface, pos1, pos2, orthBase, surface, ...] list, in order;
    the tokenizer emits `CONTRAST_TOKEN` before each returned morpheme.
    """
    points: list[int] = []
    quote_at, reported = _FAR, False
    topic = False  # a では (or だと) in this clause: 「サイトでは在庫ありだったのに」
    prev_base, prev_pos2 = "", ""
    it = iter(morphemes)
    for index, (_, pos1, pos2, base) in enumerate(zip(it, it, it, it, strict=True)):
        if pos1 in _BREAK:
            quote_at, reported, topic = _FAR, False, False
        elif pos1 == "助詞":
            if base == "は" and prev_base == "で" and prev_pos2 == "格助詞":
                topic = True
            elif base in QUOTE and pos2 in _QUOTE_POS2:
                quote_at = index
                # 「アプリだと発送済みなのに」: だと marks a source like では
                topic = topic or (base == "と" and prev_base == "だ")
            noni = (base == "に" and pos2 == "格助詞" and prev_base == "の"
                    and prev_pos2 == "準体助詞")
            but = pos2 == "接続助詞" and base in CONTRAST
            if (noni or but) and (reported or (noni and topic)):
                points.append(index)
                reported, topic = False, False
        elif base in ALWAYS_REPORT or (base in REPORT and index - quote_at <= QUOTE_REACH):
            reported = True
        elif pos1 in _OPEN and pos2 != "非自立可能":
            reported = False
        prev_base, prev_pos2 = base, pos2
    return points
