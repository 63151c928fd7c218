"""Architecture guards: the pure core stays pure, and the code stays lint-clean."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "noki"
PURE = ["domain", "rules", "drafting", "voc", "faq", "sample", "inbound"]
FORBIDDEN = ("fastapi", "sqlmodel", "sqlalchemy", "starlette", "uvicorn", "psycopg", "httpx",
             "openai", "smtplib")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", PURE)
def test_pure_core_imports_no_web_db_or_network(package):
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & set(FORBIDDEN))
        for p in (SRC / package).rglob("*.py")
        if _imports(p) & set(FORBIDDEN)
    }
    assert offenders == {}


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "bench"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _source_offenders(pattern: str) -> list[str]:
    import re

    rx = re.compile(pattern)
    return [
        f"{p.relative_to(ROOT)}:{n}"
        for p in SRC.rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if rx.search(line)
    ]


def test_configuration_comes_only_from_settings():
    # Settings (pydantic-settings) is the one reader of the environment.
    assert _source_offenders(r"os\.environ|os\.getenv|getenv\(") == []


def test_no_module_state_and_no_paths_up_to_the_checkout():
    assert _source_offenders(r"^\s*global\s") == []
    assert _source_offenders(r"parents\[\d\]|parent\.parent") == []
