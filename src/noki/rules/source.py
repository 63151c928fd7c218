"""Where a rule set comes from: a directory, or the rules/ folder at a git revision."""

from __future__ import annotations

import subprocess
from pathlib import Path

from noki.rules.loader import build_ruleset, read_rule_files
from noki.rules.model import RuleError, RuleFileError, RuleSet


def _git(args: list[str], cwd: Path) -> bytes:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True)
    if result.returncode != 0:
        raise RuleFileError([RuleError("git", 0, result.stderr.decode(errors="replace").strip()
                                       or f"git {' '.join(args)} failed")])
    return result.stdout


def rule_files_at_revision(revision: str, rules_dir: Path) -> dict[str, bytes]:
    """{`rules/FILE.yaml`: bytes} as committed at revision (a commit, branch or HEAD)."""
    top = Path(_git(["rev-parse", "--show-toplevel"], rules_dir).decode().strip())
    prefix = rules_dir.resolve().relative_to(top).as_posix()
    names = _git(["ls-tree", "--name-only", f"{revision}:{prefix}"], top).decode().split()
    wanted = [n for n in names if n.endswith((".yaml", ".yml"))]
    if not wanted:
        raise RuleFileError([RuleError(f"{revision}:{prefix}", 0, "no rule files there")])
    return {f"{rules_dir.name}/{n}": _git(["show", f"{revision}:{prefix}/{n}"], top)
            for n in wanted}


def load_base(base: str, rules_dir: Path) -> RuleSet:
    """The rule set named by --base: an existing directory, else a git revision."""
    path = Path(base)
    if path.is_dir():
        return build_ruleset(read_rule_files(path))
    return build_ruleset(rule_files_at_revision(base, rules_dir))
