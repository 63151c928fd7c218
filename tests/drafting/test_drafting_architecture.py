"""The drafting core stays pure, and its public API keeps the names other modules call."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import noki.drafting
import noki.faq
import noki.llm

SRC = Path(noki.drafting.__file__).resolve().parents[1]
PURE = ["drafting", "faq", "llm"]
FORBIDDEN = ("fastapi", "sqlmodel", "sqlalchemy", "starlette", "uvicorn", "noki.web", "noki.db")


@pytest.mark.parametrize("package", PURE)
def test_pure_core_imports_no_web_or_database(package):
    for path in (SRC / package).glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


@pytest.mark.parametrize("package", PURE)
def test_files_stay_small(package):
    for path in (SRC / package).glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name


def test_public_api():
    assert {"draft_notice", "draft_with_llm", "draft_many_with_llm", "check_text",
            "TemplateDrafter", "load_prompt", "default_channel"} <= set(noki.drafting.__all__)
    assert {"answer_question", "load_faq", "FaqIndex", "Answer"} <= set(noki.faq.__all__)
    assert {"LLM", "LLMRequest", "LLMReply", "LLMError", "FakeLLM", "LLMSettings"} <= set(
        noki.llm.__all__)
    from noki.drafting.demo import format_examples  # noqa: F401 - the demo hook exists


def test_demo_examples_render_checked_notices():
    from noki.drafting.demo import format_examples, pick_examples
    from noki.rules.store import RuleStore
    from noki.sample.orders import sample_orders

    decide = RuleStore().decide
    chosen = pick_examples(sample_orders(200, seed=1), decide, 4)
    text = format_examples(chosen, decide)
    assert {o.industry for o in chosen} == {"ec", "btob", "auto"}
    assert text.count("check: ok") == len(chosen) == 4
