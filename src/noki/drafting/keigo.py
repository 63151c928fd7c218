"""Keigo lint: common honorific mistakes, reported as warnings (never block a draft)."""

from __future__ import annotations

import re

from noki.domain.draft import Violation

_DOUBLE = re.compile(
    r"おっしゃられ|ご覧になられ|お越しになられ|お見えになられ|お召し上がりになられ|拝見させていただ"
    r"|伺わせていただ|(?:お|ご)[一-龥ぁ-ん]{1,4}させていただ|お[一-龥ぁ-ん]{1,4}になられ"
)
_SASETE = re.compile(r"させていただ|させて頂")
_BAITO = re.compile(
    r"よろしかったでしょうか|(?:こちら|以上)[^。\n]{0,20}になります|の(?:ほう|方)(?:を|が|は|で)(?=[^。\n]{0,12}(?:お|ご|いた))"
    r"|からお預かり"
)
SASETE_LIMIT = 2  # more than this many させていただく in one notice reads as servile


def lint(text: str) -> list[Violation]:
    """Warnings for 二重敬語, overuse of させていただく and バイト敬語 (spans in text)."""
    found: list[Violation] = []
    double = "られ" in text or "させて" in text
    for m in _DOUBLE.finditer(text) if double else ():
        found.append(
            Violation(code="keigo_double", detail=f"二重敬語: 「{m.group()}」",
                      start=m.start(), end=m.end())
        )
    sasete = list(_SASETE.finditer(text))
    if len(sasete) > SASETE_LIMIT:
        extra = sasete[SASETE_LIMIT]
        found.append(
            Violation(
                code="keigo_sasete_overuse",
                detail=f"「させていただく」が{len(sasete)}回: 「いたします」などに言い換えを",
                start=extra.start(),
                end=extra.end(),
            )
        )
    baito = any(w in text for w in ("よろしかった", "になります", "ほう", "方", "預かり"))
    for m in _BAITO.finditer(text) if baito else ():
        found.append(
            Violation(code="keigo_baito", detail=f"バイト敬語: 「{m.group()}」",
                      start=m.start(), end=m.end())
        )
    return found
