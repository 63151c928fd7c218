"""Clause cues carried by particles, which the content tokens lose.

「来週と言われたのに」「在庫ありって話だったけど」「サイトでは在庫ありだったのに」: a quoted
statement (と/って + 言う, 聞く, 話, こと ...) or a source marked with では, followed by a contrast
(のに, けど, が, ものの), is how customers set one statement against another. 言う is a stopword
and のに a particle, so without this cue none of it reaches the classifier: the tokenizer emits
`CONTRAST_TOKEN` where it fires.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTRAST_TOKEN = "前言+のに"
QUOTE = frozenset({"と", "って", "とか"})
# Words that report a statement when a quote particle precedes them (と伺う, って話, とのこと).
REPORT = frozenset({"言う", "聞く", "伺う", "おっしゃる", "仰る", "案内", "説明", "回答", "話",
                    "こと", "事", "書く", "記載", "表示", "伝える", "話す", "申す", "承る"})
# Reporting even without a quote particle (「言ってたのに」).
ALWAYS_REPORT = frozenset({"言う", "おっしゃる", "仰る"})
CONTRAST = frozenset({"けど", "けれど", "けれども", "が", "ものの"})
QUOTE_REACH = 3  # morphemes from the quote particle to the reporting word (と の こと)
_BREAK = frozenset({"補助記号", "空白"})
_OPEN = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "代名詞", "接続詞"})


@dataclass
class ContrastCue:
    """State over one text's morphemes; `step` is True where a reported statement is contrasted.

    One instance per text (the tokenizer makes it), fed every morpheme in order.
    """

    index: int = 0
    quote_at: int = -QUOTE_REACH - 1
    reported: bool = False
    topic: bool = False  # a では (or だと) in this clause: 「サイトでは在庫ありだったのに」
    prev: tuple[str, str] = ("", "")  # (base, pos2) of the previous morpheme

    def step(self, pos1: str, pos2: str, base: str) -> bool:
        """Feed one morpheme (pos1, pos2, orthBase); True when the contrast cue fires here."""
        self.index += 1
        fired = False
        if pos1 in _BREAK:
            self.quote_at, self.reported, self.topic = -QUOTE_REACH - 1, False, False
        elif pos1 == "助詞":
            if base == "は" and self.prev == ("で", "格助詞"):
                self.topic = True
            elif base in QUOTE and pos2 in ("格助詞", "副助詞", "接続助詞"):
                self.quote_at = self.index
                # 「アプリだと発送済みなのに」: だと marks a source like では
                self.topic = self.topic or (base == "と" and self.prev[0] == "だ")
            noni = base == "に" and pos2 == "格助詞" and self.prev == ("の", "準体助詞")
            but = pos2 == "接続助詞" and base in CONTRAST
            if (noni or but) and (self.reported or (noni and self.topic)):
                fired, self.reported, self.topic = True, False, False
        elif base in ALWAYS_REPORT or (base in REPORT
                                       and self.index - self.quote_at <= QUOTE_REACH):
            self.reported = True
        elif pos1 in _OPEN and pos2 != "非自立可能":
            self.reported = False
        self.prev = (base, pos2)
        return fired
