"""The built wheel works outside the checkout: shipped rules, templates, prompts and migrations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from noki.sample.orders import sample_orders

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; dependencies come from this venv's site-packages."""
    base = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOKI_")}
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                  str(base / "dist"), str(ROOT)], base, env)
    assert built.returncode == 0, built.stderr
    wheel = next((base / "dist").glob("noki-*.whl"))
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], base, env)
    assert made.returncode == 0, made.stderr
    site = Path(_run([str(venv / "bin" / "python"), "-c",
                      "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     base, env).stdout.strip())
    # A plain path line: the dependencies are importable, this venv's editable noki is not
    # (.pth files of an appended directory are not processed).
    (site / "_noki_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
                str(wheel)], base, env)
    assert pip.returncode == 0, pip.stderr
    return venv


@pytest.fixture
def outside(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An empty working directory away from the checkout, and an environment without NOKI_*."""
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOKI_")}
    return work, env


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, outside):
    work, env = outside
    where = _run([str(installed / "bin" / "python"), "-c",
                  "import noki.paths as p; print(p.shipped('rules'))"], work, env)
    assert where.returncode == 0, where.stderr
    rules = Path(where.stdout.strip())
    assert rules.is_relative_to(installed) and not rules.is_symlink()
    assert sorted(p.name for p in rules.glob("*.yaml")) == sorted(
        p.name for p in (ROOT / "rules").glob("*.yaml"))


def test_rules_check_and_draft_run_from_another_directory(installed, outside):
    work, env = outside
    check = _run([str(installed / "bin" / "noki"), "rules", "check"], work, env)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("ok: ") and "rules_version" in check.stdout

    doc = next(d for d in sample_orders(50, seed=1) if d["industry"] == "ec")
    (work / "order.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    draft = _run([str(installed / "bin" / "noki"), "draft", "--order", "order.json", "--json"],
                 work, env)
    assert draft.returncode == 0, draft.stderr
    made = json.loads(draft.stdout)
    assert made["drafter"] == "template" and made["check"]["ok"] is True
    assert made["order_id"] == doc["order_id"] and made["body"]


def test_ingest_migrates_a_new_database_from_the_shipped_migrations(installed, outside):
    work, env = outside
    docs = sample_orders(5, seed=2)
    (work / "orders.jsonl").write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    env = {**env, "NOKI_DATABASE_URL": f"sqlite:///{work / 'noki.db'}"}
    result = _run([str(installed / "bin" / "noki"), "ingest", "orders", "orders.jsonl"], work, env)
    assert result.returncode == 0, result.stderr
    assert "created 5" in result.stdout
