"""Properties: every written form of a date or amount reads back as the same value."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from noki.drafting.jatext import find_amounts, find_dates, normalise

AS_OF = date(2026, 11, 25)
FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


def kanji_amount(n: int) -> str:
    """12345 -> 1万2千3百45 (the mixed style people write)."""
    out = ""
    man, rest = divmod(n, 10_000)
    if man:
        out += f"{man}万"
    for unit, size in (("千", 1000), ("百", 100)):
        count, rest = divmod(rest, size)
        if count:
            out += ("" if count == 1 and unit == "千" and not out else str(count)) + unit
    return out + (str(rest) if rest else "")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999),
       st.sampled_from(["comma", "plain", "yen-sign", "kanji", "full-width"]))
def test_amount_forms_read_back(n, form):
    text = {
        "comma": f"{n:,}円", "plain": f"{n}円", "yen-sign": f"¥{n:,}",
        "kanji": f"{kanji_amount(n)}円", "full-width": f"{n:,}円".translate(FULL_WIDTH),
    }[form]
    assert [a.value for a in find_amounts(normalise(f"補償は{text}です。").text)] == [n]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-150, max_value=150),
       st.sampled_from(["kanji", "year", "reiwa", "iso-slash", "slash", "full-width"]))
def test_date_forms_read_back(offset, form):
    d = AS_OF + timedelta(days=offset)
    text = {
        "kanji": f"{d.month}月{d.day}日", "year": f"{d.year}年{d.month}月{d.day}日",
        "reiwa": f"令和{d.year - 2018}年{d.month}月{d.day}日",
        "iso-slash": f"{d.year}/{d.month:02d}/{d.day:02d}", "slash": f"{d.month}/{d.day}",
        "full-width": f"{d.month}月{d.day}日".translate(FULL_WIDTH),
    }[form]
    assert [m.value for m in find_dates(normalise(f"予定は{text}です。").text, AS_OF)] == [d]
