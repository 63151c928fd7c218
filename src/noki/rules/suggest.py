"""Hints for rule authors: "did you mean", and the usual Japanese-keyboard slips."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

_FULLWIDTH_DIGITS = re.compile(r"[０-９]")
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$")


def did_you_mean(word: Any, choices: Iterable[Any]) -> str:
    """` (did you mean 'x'?)` for the closest known name, else an empty string."""
    if not isinstance(word, str):
        return ""
    names = [str(c) for c in choices if c is not None]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not close:
        close = [n for n in names if n.lower() == word.lower()]
    return f" (did you mean {close[0]!r}?)" if close else ""


def value_hint(value: Any) -> str:
    """A hint for a value that looks like a number typed the Japanese-keyboard way."""
    if not isinstance(value, str):
        return ""
    if _FULLWIDTH_DIGITS.search(value):
        return " (full-width digits: use 0-9)"
    if _GROUPED.match(value.strip()):
        plain = value.replace(",", "")
        return f" (write amounts without commas: {plain})"
    if "\u3000" in value:
        return " (contains a full-width space)"
    return ""


def fullwidth_space_lines(text: str) -> list[int]:
    """Lines (1-based) whose indentation contains a full-width space (YAML cannot read it)."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \u3000\t"))]
        if "\u3000" in indent or (line.strip() and "\u3000" in line.split("#")[0]
                                  and line.lstrip(" ").startswith("\u3000")):
            out.append(number)
    return out
