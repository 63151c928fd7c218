"""RuleStore: the one place the service and the CLI get the current rule set from.

A reload validates the files, runs their examples and the linter's errors, and only then swaps
atomically to the new engine. A broken edit leaves the previous version serving. durable-rules
cannot replace a registered ruleset, so each version gets its own thread-less host; a retired
host is freed once the last decision that started on it has finished.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.rules.engine import Engine
from noki.rules.examples import run_examples
from noki.rules.loader import DEFAULT_RULES_DIR, build_ruleset, read_rule_files
from noki.rules.model import RuleError, RuleFileError, RuleSet

# A hook for extra checks before a swap (the linter registers its errors here).
Gate = Callable[[RuleSet], list[RuleError]]


@dataclass
class _Lease:
    engine: Engine
    users: int = 0
    retired: bool = False


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: the version now serving, and why a new one was refused."""

    ok: bool
    version: str
    errors: tuple[RuleError, ...] = ()


class RuleStore:
    """Holds the serving rule set; thread-safe; swaps only to versions that pass every check."""

    def __init__(self, directory: Path = DEFAULT_RULES_DIR, gates: tuple[Gate, ...] = ()):
        self.directory = Path(directory)
        self.gates = gates
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()  # one reload at a time; decisions never wait on it
        self._current: _Lease | None = None
        result = self.reload()
        if not result.ok:
            raise RuleFileError(list(result.errors))

    def _validate(self) -> tuple[RuleSet | None, Engine | None, list[RuleError]]:
        try:
            ruleset = build_ruleset(read_rule_files(self.directory))
        except RuleFileError as exc:
            return None, None, exc.errors
        errors = [e for gate in self.gates for e in gate(ruleset)]
        engine = Engine(ruleset)
        for result in run_examples(ruleset, engine):
            if not result.ok:
                errors.append(RuleError(result.example.file, result.example.line,
                                        f"example {result.example.name!r} of table "
                                        f"{result.table} fails: " + "; ".join(result.problems)))
        if errors:
            engine.close()
            return ruleset, None, errors
        return ruleset, engine, []

    def reload(self) -> ReloadResult:
        """Load rules/ again; swap only when everything passes, else keep serving."""
        with self._reload_lock:
            return self._reload()

    def _reload(self) -> ReloadResult:
        ruleset, engine, errors = self._validate()
        with self._lock:
            current = self._current
            if engine is None or ruleset is None:
                version = current.engine.version if current else ""
                return ReloadResult(False, version, tuple(errors))
            if current is not None and current.engine.version == ruleset.version:
                engine.close()  # unchanged files: keep the warm engine and its caches
                return ReloadResult(True, ruleset.version)
            self._current = _Lease(engine)
            if current is not None:
                current.retired = True
                if current.users == 0:
                    current.engine.close()
        return ReloadResult(True, ruleset.version)

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        """The current engine, kept alive until the caller is done with it."""
        with self._lock:
            lease = self._current
            assert lease is not None
            lease.users += 1
        try:
            yield lease.engine
        finally:
            with self._lock:
                lease.users -= 1
                if lease.retired and lease.users == 0:
                    lease.engine.close()

    @property
    def ruleset(self) -> RuleSet:
        """The rule set currently serving."""
        assert self._current is not None
        return self._current.engine.ruleset

    @property
    def version(self) -> str:
        """The rules_version currently serving."""
        return self.ruleset.version

    def decide(self, order: Order) -> Decision:
        """Decide one order with exactly one rules version."""
        with self.engine() as engine:
            return engine.decide(order)

    def decide_many(self, orders: Sequence[Order]) -> list[Decision]:
        """Decide many orders with exactly one rules version (faster than one by one)."""
        with self.engine() as engine:
            return engine.decide_many(orders)

    def close(self) -> None:
        """Free the serving engine (the store cannot decide afterwards)."""
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                if self._current.users == 0:
                    self._current.engine.close()
