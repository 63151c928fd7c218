"""Find dates, yen amounts, weekdays and sentences in Japanese text, with character spans."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

# Full-width ASCII maps 1:1 onto ASCII, so offsets survive; everything else goes through NFKC.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\uffe5]")
_COMMON_WIDE = (("（", "("), ("）", ")"), ("～", "~"), ("：", ":"), ("／", "/"), ("￥", "¥"))
_RANGE = r"\s*(?:~|〜|から|-|–|—)\s*"
_WEEKDAY = r"(?:\s*\(\s*(?P<{0}>[月火水木金土日])(?:曜日?)?\s*\))?"
# Every date form starts at a digit run; the year/era written before 月 is looked up behind it.
# Only digit runs followed by 月 or a separator can start a date; skipping the rest is the win.
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9]{1,4}(?=\s*[月/.-])")
_DATE_AT = re.compile(
    r"(?P<y2>[0-9]{4})[/.-](?P<m2>[0-9]{1,2})[/.-](?P<d2>[0-9]{1,2})(?![0-9])"
    + _WEEKDAY.format("w2")
    + r"|(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*日" + _WEEKDAY.format("w1")
    + r"|(?P<m3>[0-9]{1,2})/(?P<d3>[0-9]{1,2})(?![0-9/])" + _WEEKDAY.format("w3")
)
_YEAR_BEFORE = re.compile(
    r"(?:(?P<era>令和|平成)\s*(?P<ey>[0-9]{1,2}|元)|(?P<y>[0-9]{4}))\s*年\s*$"
)
# A range's second date may omit its month: 11月27日～29日, 12/1~5.
_TAIL_KANJI = re.compile(_RANGE + r"(?P<d>[0-9]{1,2})\s*日" + _WEEKDAY.format("w"))
_TAIL_SLASH = re.compile(_RANGE + r"(?P<d>[0-9]{1,2})(?![0-9/月日.])" + _WEEKDAY.format("w"))
_DIGITS = "0-9〇一二三四五六七八九"
_AMOUNT = re.compile(
    r"¥\s*(?P<a>[0-9][0-9,]*)(?:\s*円)?"
    rf"|(?P<b>[{_DIGITS}十百千万億][{_DIGITS},.十百千万億]*)\s*円"
)
_KANJI_DIGIT = str.maketrans("〇一二三四五六七八九", "0123456789")
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "億": 100_000_000}
_URL = re.compile(r"https?://[^\s　、。「」()<>]+")
_SENTENCE_END = re.compile(r"[。!?\n]")
WEEKDAYS = "月火水木金土日"


@dataclass(frozen=True)
class Normalised:
    """NFKC text plus, when lengths changed, the original offset of every character."""

    text: str
    origin: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text back to the original text."""
        if self.origin is None:
            return start, end
        last = self.origin[end - 1] + 1 if end > start else self.origin[start]
        return self.origin[start], last


def _half_width(m: re.Match[str]) -> str:
    ch = m.group()
    return "¥" if ch == "￥" else chr(ord(ch) - 0xFEE0)


def normalise(text: str) -> Normalised:
    """NFKC-normalise (full-width digits, ￥) keeping a map back to original offsets."""
    # The common full-width marks go through str.replace (C speed); the regex catches the rest.
    fast = text
    for wide, narrow in _COMMON_WIDE:
        if wide in fast:
            fast = fast.replace(wide, narrow)
    if _FULL_WIDTH.search(fast):
        fast = _FULL_WIDTH.sub(_half_width, fast)
    if unicodedata.is_normalized("NFKC", fast):
        return Normalised(fast)
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(fast):
        norm = unicodedata.normalize("NFKC", ch)
        out.append(norm)
        origin.extend([i] * len(norm))
    origin.append(len(text))
    return Normalised("".join(out), tuple(origin))


def mask_urls(text: str) -> str:
    """Blank out URLs (same length) so their digits are not read as dates or amounts."""
    return _URL.sub(lambda m: " " * len(m.group()), text)


def find_urls(text: str) -> list[str]:
    """The http(s) URLs in a text."""
    return _URL.findall(text)


@dataclass(frozen=True)
class DateMention:
    """A date written in the text; value is None when no such calendar day exists."""

    start: int
    end: int
    value: date | None
    weekday: str | None  # the bracketed weekday written after it, if any
    raw: str


@dataclass(frozen=True)
class AmountMention:
    """A yen amount written in the text."""

    start: int
    end: int
    value: int
    raw: str


@lru_cache(maxsize=8192)
def _infer_year(month: int, day: int, as_of: date) -> date | None:
    """The year nearest to as_of in which month/day exists (notices talk about the near future)."""
    best: date | None = None
    for year in (as_of.year - 1, as_of.year, as_of.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - as_of).days) < abs((best - as_of).days):
            best = candidate
    return best


def _make_date(year: int | None, month: int, day: int, as_of: date) -> date | None:
    if year is None:
        return _infer_year(month, day, as_of)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, as_of: date) -> list[DateMention]:
    """Every explicit calendar date in normalised text, ranges' month-less second dates included."""
    found: list[DateMention] = []
    pos = 0
    for run in _DIGIT_RUN.finditer(text):
        if run.start() < pos:
            continue
        m = _DATE_AT.match(text, run.start())
        if m is None:
            continue
        g = m.groupdict()
        before = text[run.start() - 1] if run.start() else ""
        start = m.start()
        if g["m"] is not None:
            year: int | None = None
            y = _YEAR_BEFORE.search(text, max(0, start - 12), start)
            if y is not None:
                start = y.start()
                if y.group("era"):
                    era_year = 1 if y.group("ey") == "元" else int(y.group("ey"))
                    year = era_year + (2018 if y.group("era") == "令和" else 1988)
                else:
                    year = int(y.group("y"))
            value = _make_date(year, int(g["m"]), int(g["d"]), as_of)
            weekday, tail = g["w1"], _TAIL_KANJI
        elif g["y2"] is not None:
            if before and before in "/.":
                continue
            value = _make_date(int(g["y2"]), int(g["m2"]), int(g["d2"]), as_of)
            weekday, tail = g["w2"], _TAIL_KANJI
        else:
            if before and before in "/.:":
                continue
            value = _make_date(None, int(g["m3"]), int(g["d3"]), as_of)
            if value is None:
                continue  # "13/45" is more likely a ratio than a date
            weekday, tail = g["w3"], _TAIL_SLASH
        pos = m.end()
        found.append(DateMention(start, m.end(), value, weekday, text[start : m.end()]))
        t = tail.match(text, m.end())
        if t and value is not None:
            second = _make_date(value.year, value.month, int(t.group("d")), as_of)
            if second is not None and second < value:  # 11月28日～3日 runs into next month
                month = value.month % 12 + 1
                year = value.year + (value.month == 12)
                second = _make_date(year, month, int(t.group("d")), as_of)
            raw = text[t.start("d") : t.end()]
            found.append(DateMention(t.start("d"), t.end(), second, t.group("w"), raw))
            pos = t.end()
    return found


def parse_number(expr: str) -> int | None:
    """Value of a Japanese number: 1,000 / 2千5百 / 3万 / 1.5万 / 三千 (None if unreadable)."""
    expr = expr.translate(_KANJI_DIGIT).replace(",", "")
    total = 0.0
    section = 0.0
    pending: float | None = None
    for token in re.findall(r"[0-9.]+|[十百千万億]", expr):
        if token in _SMALL_UNITS:
            section += (pending if pending is not None else 1) * _SMALL_UNITS[token]
            pending = None
        elif token in _BIG_UNITS:
            section += pending or 0
            total += (section or 1) * _BIG_UNITS[token]
            section, pending = 0, None
        else:
            try:
                pending = float(token)
            except ValueError:
                return None
    total += section + (pending or 0)
    return round(total)


def find_amounts(text: str) -> list[AmountMention]:
    """Every yen amount in normalised text."""
    found: list[AmountMention] = []
    for m in _AMOUNT.finditer(text):
        expr = m.group("a") or m.group("b")
        # "関東一円" is a place phrase: a real amount has an arabic digit or a unit kanji.
        if not re.search(r"[0-9十百千万億]", expr):
            continue
        value = parse_number(expr)
        if value is not None:
            found.append(AmountMention(m.start(), m.end(), value, m.group()))
    return found


def sentence_ends(text: str) -> list[int]:
    """Offsets of every sentence-ending character, for sentence_bounds()."""
    return [m.start() for m in _SENTENCE_END.finditer(text)]


def sentence_bounds(ends: list[int], pos: int, length: int) -> tuple[int, int]:
    """(start, end) of the sentence containing pos, given sentence_ends() of the text."""
    i = bisect_left(ends, pos)
    start = ends[i - 1] + 1 if i else 0
    return start, (ends[i] + 1 if i < len(ends) else length)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; 。!? and line breaks end a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() - start > 1:
            spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def format_date(value: date, as_of: date, *, weekday: bool = True) -> str:
    """12月5日（土）; the year is written only when it differs from as_of's."""
    text = f"{value.month}月{value.day}日"
    if value.year != as_of.year:
        text = f"{value.year}年{text}"
    return f"{text}（{WEEKDAYS[value.weekday()]}）" if weekday else text


def format_range(first: date, last: date, as_of: date, *, weekday: bool = True) -> str:
    """12月1日（火）～12月5日（土）, or one date when the window is a single day."""
    if first == last:
        return format_date(first, as_of, weekday=weekday)
    head = format_date(first, as_of, weekday=weekday)
    # The year is written once: a second date in the same year as the first omits it.
    tail = format_date(last, first if first.year == last.year else as_of, weekday=weekday)
    return f"{head}～{tail}"


def format_yen(amount: int) -> str:
    """1,000円."""
    return f"{amount:,}円"
