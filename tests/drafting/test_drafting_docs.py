"""docs/drafting.md lists every code the checker (and the sender's sending-day check) reports."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*(ROOT / "src" / "noki" / "drafting").glob("*.py"), ROOT / "src/noki/outbox/worker.py"]
# Codes as the checker writes them: report.add("code", ...), yield ("code", ...), code="code",
# the safety module's constants and the sender's stale violation.
CODE = re.compile(r'(?:report\.add\(|yield \(|code=|^[A-Z_]+ = |"code": )\s*"([a-z][a-z_]+)"',
                  re.M)
ROW = re.compile(r"^\| `([a-z_]+)` \| [^|]+ \| (?P<example>[^|]*「[^|]+」[^|]*) \|$", re.M)


def reported_codes() -> set[str]:
    codes: set[str] = set()
    for path in SOURCES:
        codes |= set(CODE.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_checker_code_has_a_row_with_an_example_in_the_doc() -> None:
    codes = reported_codes()
    assert {"missing_eta", "eta_after_close", "foreign_url", "keigo_baito",
            "stale_on_send_day", "duplicate_compensation"} <= codes  # the scan finds them
    documented = {m.group(1) for m in ROW.finditer((ROOT / "docs" / "drafting.md").read_text())}
    missing = codes - documented
    assert not missing, f"no row with an example in docs/drafting.md: {sorted(missing)}"
