"""HTML page: self-contained, escaped, Japanese; optional real-browser check; pure core."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from noki.voc import Voice, build_report, render_html

CHROMIUM = Path("/usr/bin/chromium")
CORE = Path(__file__).resolve().parents[2] / "src" / "noki" / "voc"


def _page() -> str:
    voices = [Voice(id=f"x{i}", date=dt.date(2026, 10, 1) + dt.timedelta(days=i),
                    channel="review", text="入荷予定が未定で、いつ届くのか分からない")
              for i in range(8)]
    voices.append(Voice(id="evil", date=dt.date(2026, 10, 3), channel="sns",
                        text="<script>alert(1)</script> 入荷予定が未定、いつ届くのか目安もない"))
    return render_html(build_report(voices, []))


def test_page_is_self_contained_japanese_and_escaped() -> None:
    page = _page()
    assert '<meta charset="utf-8">' in page and 'lang="ja"' in page
    assert "Noto Sans CJK JP" in page and "<svg" in page
    assert not re.search(r"(src|href)=\"https?://", page) and "@import" not in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "納期・入荷予定の表現が曖昧" in page


def test_core_does_not_import_web_or_database_layers() -> None:
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        bad = {m for m in names if m.split(".")[0] in {"fastapi", "sqlmodel", "requests", "httpx"}}
        assert not bad, f"{path.name} imports {bad}"


@pytest.mark.browser
def test_page_renders_in_headless_chromium(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    html = tmp_path / "r.html"
    html.write_text(_page(), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page()
        page.goto(html.as_uri())
        assert "説明ギャップのランキング" in page.inner_text("body")
        assert page.locator("svg polyline").count() >= 8
        width = page.evaluate("document.querySelector('h1').getBoundingClientRect().width")
        browser.close()
    assert width > 100
