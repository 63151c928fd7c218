"""RuleStore: the one place the service and the CLI get the current rule set from.

A reload validates the files, runs their examples and the linter's errors, and only then swaps
atomically to the new engine. A broken edit leaves the previous version serving. durable-rules
cannot replace a registered ruleset, so each version gets its own thread-less host; a retired
host is freed once the last decision that started on it has finished.
"""

from __future__ import annotations

import threading
import time
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
# Where the rule files come from ({display name: bytes}): a directory, or the approved version
# stored in the database (wired by the AppContext; the store itself does no database I/O).
Source = Callable[[], dict[str, bytes]]
# The live version's hash as another process may have changed it (None: nothing stored).
Probe = Callable[[], str | None]


@dataclass
class _Lease:
    engine: Engine
    files: dict[str, bytes]
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

    def __init__(self, directory: Path = DEFAULT_RULES_DIR, gates: tuple[Gate, ...] = (),
                 source: Source | None = None, probe: Probe | None = None,
                 probe_every: float = 5.0):
        self.directory = Path(directory)
        self.gates = gates
        self._source = source or (lambda: read_rule_files(self.directory))
        self._probe = probe
        self._probe_every = probe_every
        self._probed = time.monotonic()
        self._refused: str | None = None
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()  # one reload at a time; decisions never wait on it
        self._current: _Lease | None = None
        result = self.reload()
        if not result.ok:
            raise RuleFileError(list(result.errors))

    def _validate(self, files: dict[str, bytes]) -> tuple[
            RuleSet | None, Engine | None, list[RuleError]]:
        try:
            ruleset = build_ruleset(files)
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

    def check(self, files: dict[str, bytes]) -> list[RuleError]:
        """Every reason these files would be refused (check, gates, examples); no swap."""
        _, engine, errors = self._validate(files)
        if engine is not None:
            engine.close()
        return errors

    def reload(self) -> ReloadResult:
        """Load the source again; swap only when everything passes, else keep serving."""
        with self._reload_lock:
            try:
                files = self._source()
            except RuleFileError as exc:
                version = self._current.engine.version if self._current else ""
                return ReloadResult(False, version, tuple(exc.errors))
            return self._reload(files)

    def sync(self) -> bool:
        """Reload when the probe says another process made a different version live."""
        self._probed = time.monotonic()
        if self._probe is None:
            return False
        live = self._probe()
        if live is None or live == self._refused or (
                self._current and live == self._current.engine.version):
            return False
        if not self._reload_lock.acquire(blocking=False):
            return False  # a reload is already under way
        try:
            result = self._reload(self._source())
        except RuleFileError:
            result = ReloadResult(False, "")
        finally:
            self._reload_lock.release()
        if not result.ok:
            self._refused = live  # keep serving; do not retry the same version on every probe
        return result.ok

    def _reload(self, files: dict[str, bytes]) -> ReloadResult:
        ruleset, engine, errors = self._validate(files)
        with self._lock:
            current = self._current
            if engine is None or ruleset is None:
                version = current.engine.version if current else ""
                return ReloadResult(False, version, tuple(errors))
            if current is not None and current.engine.version == ruleset.version:
                engine.close()  # unchanged files: keep the warm engine and its caches
                return ReloadResult(True, ruleset.version)
            self._current = _Lease(engine, dict(files))
            if current is not None:
                current.retired = True
                if current.users == 0:
                    current.engine.close()
        return ReloadResult(True, ruleset.version)

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        """The current engine, kept alive until the caller is done with it."""
        if self._probe is not None and time.monotonic() - self._probed > self._probe_every:
            self.sync()
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
    def files(self) -> dict[str, bytes]:
        """The files of the version currently serving ({display name: bytes})."""
        assert self._current is not None
        return dict(self._current.files)

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
