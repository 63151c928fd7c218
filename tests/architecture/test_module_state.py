"""No module-level state in src/noki: caches, globals and objects live in the AppContext.

Flagged: cache decorators (functools.lru_cache / cache), `global` statements, module-level
empty containers or counters, and module-level objects built by a call that is not a known
constant (compiled regexes, frozensets, paths to shipped data, loggers, routers, ...). What is
allowed anyway is listed below WITH the reason; a new entry needs one.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "noki"

# Calls whose result is an immutable constant or a declaration, not state.
CONSTANT_CALLS = {
    "re.compile", "frozenset", "tuple", "sorted", "str.maketrans", "ZoneInfo", "date", "object",
    "attrgetter", "logging.getLogger", "TypeVar", "typer.Typer", "typer.Option", "APIRouter",
    "Depends", "shipped", "sa.text", "TypeAdapter", "Charset", "compat32.clone",
    "config.attributes.get",  # alembic env.py: the connection handed in by migrate()
    "LeasedTable",  # frozen description of a queue table (noki.db.lease)
    "NoticeSettings",  # frozen dataclass of defaults
    "RuleSchema",  # frozen dataclass: what a kind of rule set reads and decides
    "Compensation",  # frozen pydantic value
    "set",  # only as a literal character set, see ALLOWED
}

# (module path, name or function) -> why it is not state.
ALLOWED: dict[tuple[str, str], str] = {
    ("drafting/jatext.py", "_infer_year"): "pure memo of (month, day, as_of) -> date; bounded",
    ("drafting/names.py", "names_of"): "pure memo of name normalisation; bounded, no config",
    ("drafting/names.py", "accepted_names"): "pure memo of name normalisation; bounded",
    ("domain/facts.py", "_row_reader"): "compiled row reader per fact-name tuple; pure, bounded",
    ("domain/facts.py", "flat_facts"): "a function compiled once from the FACT_SOURCES constant",
    ("drafting/lexicon.py", "_KEYS_OF"): "built at import from the TRIGGERS constant, read only",
    ("messaging/sms.py", "_GSM7"): "the GSM 03.38 character set, a constant (read only)",
    ("messaging/spool.py", "_SEQ"): "unique spool file names within the process (a counter)",
    ("services/users.py", "_hasher"): "argon2 parameters only; hashing keeps no state",
    ("web/render.py", "templates"): "the console's own templates, shipped in the package",
    ("web/routes/console.py", "DRAFT_JS"): "a shipped static file read once (constant text)",
    ("web/routes/workspace.py", "WORKSPACE_JS"): "a shipped static file read once (constant)",
    ("web/render.py", "_DEFAULT_LABELS"): "labels over the built-in vocabulary; read only",
    ("web/messages.py", "_L"): "labels over the built-in vocabulary; read only",
    # VOC: the shipped data files and the models trained from them are read once per process.
    # Not yet moved into the AppContext (the report, evaluation and tests call these defaults).
    ("voc/resources.py", "stopwords"): "shipped data file (package data), read once",
    ("voc/resources.py", "topic_filler"): "shipped data file (package data), read once",
    ("voc/resources.py", "compounds"): "shipped data file (package data), read once",
    ("voc/resources.py", "lexicon"): "shipped data file (package data), read once",
    ("voc/resources.py", "training_examples"): "shipped data files (package data), read once",
    ("voc/text.py", "default_tokenizer"): "tokenizer over the shipped data; TODO AppContext",
    ("voc/classify.py", "default_classifier"): "trained on shipped data; TODO AppContext",
}

CACHE_DECORATORS = {"lru_cache", "cache", "functools.lru_cache", "functools.cache"}


def _decorator_name(node: ast.expr) -> str:
    return ast.unparse(node.func if isinstance(node, ast.Call) else node)


def _targets(node: ast.Assign | ast.AnnAssign) -> list[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [ast.unparse(t) for t in targets]


def _is_state(value: ast.expr) -> str | None:
    """Why a module-level value is state, or None when it is a constant."""
    if isinstance(value, (ast.Dict, ast.List, ast.Set)):
        items = value.keys if isinstance(value, ast.Dict) else value.elts
        return None if items else "an empty mutable container"
    if isinstance(value, ast.Call):
        name = ast.unparse(value.func)
        if name not in CONSTANT_CALLS:
            return f"an object built by {name}()"
        if name == "set" or (name in {"dict", "list"} and not value.args):
            return "a mutable container"
    return None


def findings() -> list[str]:
    """Every module-level cache, global or stateful object not in ALLOWED."""
    out: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                out.append(f"{rel}:{node.lineno}: `global {', '.join(node.names)}`")
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                cached = [d for d in node.decorator_list if _decorator_name(d) in CACHE_DECORATORS]
                if cached and (rel, node.name) not in ALLOWED:
                    out.append(f"{rel}:{node.lineno}: {node.name} has a process-wide cache")
        for stmt in tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                why = _is_state(stmt.value)
                names = [n for n in _targets(stmt) if (rel, n) not in ALLOWED]
                if why and names:
                    out.append(f"{rel}:{stmt.lineno}: {', '.join(names)} is {why}")
    return out


def test_no_module_level_state_outside_the_allow_list() -> None:
    found = findings()
    assert not found, (
        "module-level state (put it on the AppContext or pass it in; or add it to ALLOWED in "
        "tests/architecture/test_module_state.py with the reason):\n" + "\n".join(found)
    )


def test_every_allow_list_entry_still_exists() -> None:
    """A stale entry would silently allow a new cache of the same name."""
    missing = []
    for rel, name in ALLOWED:
        text = (SRC / rel).read_text(encoding="utf-8")
        if f"def {name}(" not in text and f"{name} =" not in text and f"{name}:" not in text:
            missing.append(f"{rel}: {name}")
    assert not missing, missing


def test_the_check_can_fail(tmp_path: Path) -> None:
    """The scanner flags a cache, a global and a module-level object it does not know."""
    src = ("import functools\nCACHE = {}\nCLIENT = make_client()\n"
           "@functools.lru_cache\ndef f():\n    global CACHE\n")
    tree = ast.parse(src)
    assert _is_state(tree.body[1].value) and _is_state(tree.body[2].value)  # type: ignore[attr-defined]
    assert _decorator_name(tree.body[3].decorator_list[0]) in CACHE_DECORATORS  # type: ignore[attr-defined]
    assert any(isinstance(n, ast.Global) for n in ast.walk(tree))
