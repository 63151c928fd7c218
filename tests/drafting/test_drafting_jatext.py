"""Reading Japanese dates, amounts and weekdays (every form the issue lists)."""

from __future__ import annotations

from datetime import date

import pytest

from noki.drafting.jatext import find_amounts, find_dates, format_range, mask_urls, normalise

AS_OF = date(2026, 11, 25)


def dates_in(text: str) -> list[date | None]:
    return [d.value for d in find_dates(mask_urls(normalise(text).text), AS_OF)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12月5日", [date(2026, 12, 5)]),
        ("12月5日(土)", [date(2026, 12, 5)]),
        ("2026年12月5日", [date(2026, 12, 5)]),
        ("令和8年12月5日", [date(2026, 12, 5)]),
        ("令和元年5月1日", [date(2019, 5, 1)]),
        ("2026/12/05", [date(2026, 12, 5)]),
        ("12/5", [date(2026, 12, 5)]),
        ("１２月５日", [date(2026, 12, 5)]),
        ("１２／５", [date(2026, 12, 5)]),
        ("11月27日～29日", [date(2026, 11, 27), date(2026, 11, 29)]),
        ("11月27日〜29日", [date(2026, 11, 27), date(2026, 11, 29)]),
        ("11月27日~29日", [date(2026, 11, 27), date(2026, 11, 29)]),
        ("11月27日から29日", [date(2026, 11, 27), date(2026, 11, 29)]),
        ("12月28日～1月3日", [date(2026, 12, 28), date(2027, 1, 3)]),
        ("11月30日～2日", [date(2026, 11, 30), date(2026, 12, 2)]),
        ("1月10日", [date(2027, 1, 10)]),
        ("2月30日", [None]),
        ("12月上旬", []),
        ("3〜5営業日", []),
        ("https://noki.example/b/12/5", []),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_dates(text, expected):
    assert dates_in(text) == expected


def test_weekday_is_read_from_brackets():
    found = find_dates(normalise("12月1日（火）～5日(土曜日)").text, AS_OF)
    expected = [(date(2026, 12, 1), "火"), (date(2026, 12, 5), "土")]
    assert [(d.value, d.weekday) for d in found] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,000円", 1000), ("1000円", 1000), ("￥1,000", 1000), ("¥1,000", 1000), ("千円", 1000),
        ("2千円", 2000), ("3万円", 30000), ("2千5百円", 2500), ("１，０００円", 1000),
        ("１万５千円", 15000), ("三千円", 3000), ("365万円", 3_650_000), ("1.5万円", 15000),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_amounts(text, expected):
    assert [a.value for a in find_amounts(normalise(text).text)] == [expected]


@pytest.mark.parametrize("text", ["関東一円", "一円玉の話ではありません", "100m巻", "2.2kW"])
def test_non_amounts(text):
    assert find_amounts(normalise(text).text) == []


def test_spans_map_back_to_the_original_text():
    text = "お届けは１２月５日（土）頃、㈱のきより"
    norm = normalise(text)
    found = find_dates(norm.text, AS_OF)[0]
    start, end = norm.span(found.start, found.end)
    assert text[start:end] == "１２月５日（土）"


def test_format_range_writes_the_year_only_when_it_changes():
    text = format_range(date(2026, 12, 30), date(2027, 1, 2), AS_OF)
    assert text == "12月30日（水）～2027年1月2日（土）"
