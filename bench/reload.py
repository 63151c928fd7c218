"""Benchmark: memory and threads across 100 RuleStore reloads of an edited rules folder.

Run: .venv/bin/python bench/reload.py [--reloads 100]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from pathlib import Path

from noki.rules.lint import lint_gate
from noki.rules.store import RuleStore

ROOT = Path(__file__).resolve().parents[1]
OLD = "compensation.amount_jpy: 500}"
NEW = "compensation.amount_jpy: 600}"


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no /proc/self/status")


def main() -> None:
    """Alternate one rule between two values and reload after each edit."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reloads", type=int, default=100)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp()) / "rules"
    shutil.copytree(ROOT / "rules", folder)
    store = RuleStore(folder, gates=(lint_gate,))
    path = folder / "30_compensation.yaml"
    text = path.read_text(encoding="utf-8")
    for i in range(6):  # warm up allocator and imports
        path.write_text(text.replace(OLD, NEW) if i % 2 == 0 else text, encoding="utf-8")
        store.reload()
    rss, threads = rss_mb(), threading.active_count()
    start = time.perf_counter()
    for i in range(args.reloads):
        path.write_text(text.replace(OLD, NEW) if i % 2 == 0 else text, encoding="utf-8")
        result = store.reload()
        assert result.ok, result.errors
    seconds = time.perf_counter() - start
    print(f"{args.reloads} reloads in {seconds:.1f} s ({1000 * seconds / args.reloads:.0f} ms "
          f"each: load, check, examples, lint, compile)")
    print(f"RSS {rss:.1f} -> {rss_mb():.1f} MB; threads {threads} -> {threading.active_count()}")
    store.close()
    shutil.rmtree(folder.parent)


if __name__ == "__main__":
    main()
