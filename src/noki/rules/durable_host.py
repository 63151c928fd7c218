"""A durable-rules Host that noki can own: no timer threads, one recording action, a lock.

durable's Host starts two timer threads that never stop and that may run actions behind the
caller's back; the C engine never releases the GIL and the Python layer has no locks. This
host starts no threads (we use no timers), serialises every call, records which rules fired,
re-raises what an action raised (durable would swallow it), and frees its C rulesets on close.
"""

from __future__ import annotations

import copy
import itertools
import threading
from typing import Any

import durable_rules_engine
from durable.engine import Host, MessageNotHandledException

_ACTION_SEPARATOR = "::"


class EngineError(RuntimeError):
    """durable failed or an action raised while deciding."""


class RecordingHost(Host):
    """Host whose every rule runs one generic action that records the rule's id."""

    def __init__(self, rulesets: dict[str, Any]):
        self._lock = threading.Lock()
        self._fired: list[str] = []
        self._errors: list[BaseException] = []
        self._ids = itertools.count(1)
        self._closed = False
        self._matched: set[str] = set()  # rulesets whose session state durable can delete
        super().__init__()
        # durable deletes each rule's "run" key from the definitions it is given.
        self.register_rulesets(copy.deepcopy(rulesets))

    def _run(self) -> None:
        """Start no timer threads (durable's default starts two that never stop)."""

    def get_action(self, action_name: str) -> Any:
        """Every rule's action, guarded: what it raises is kept and re-raised after post."""
        rule_id = action_name.split(_ACTION_SEPARATOR, 1)[-1]
        action = self.make_action(rule_id)

        def guarded(closure: Any) -> None:
            try:
                action(closure)
            except BaseException as exc:  # noqa: BLE001 - durable would swallow it
                self._errors.append(exc)

        return guarded

    def make_action(self, rule_id: str) -> Any:
        """The action a rule runs: record that it fired."""
        return lambda _closure: self._fired.append(rule_id)

    @staticmethod
    def action_prefix(ruleset: str) -> str:
        """Prefix for a ruleset's action names."""
        return f"{ruleset}{_ACTION_SEPARATOR}"

    def fire_first(self, ruleset: str, message: dict[str, Any]) -> list[str]:
        """Post as an event: durable fires the matching rule with the lowest priority."""
        return self._call(ruleset, message, as_fact=False)

    def fire_all(self, ruleset: str, message: dict[str, Any]) -> list[str]:
        """Assert as a fact (every matching rule fires, by priority), then retract it."""
        return self._call(ruleset, message, as_fact=True)

    def _call(self, ruleset: str, message: dict[str, Any], *, as_fact: bool) -> list[str]:
        with self._lock:
            if self._closed:
                raise EngineError("this rules version has been retired")
            self._fired = []
            self._errors = []
            message = {**message, "id": next(self._ids)}
            try:
                if as_fact:
                    try:
                        self.assert_fact(ruleset, message)
                    finally:
                        self._retract_quietly(ruleset, message)
                else:
                    self.post(ruleset, message)
            except MessageNotHandledException:
                return []
            except Exception as exc:
                raise EngineError(f"durable-rules failed in {ruleset}: {exc}") from exc
            if self._errors:
                raise EngineError(f"rule action failed in {ruleset}") from self._errors[0]
            if self._fired:
                self._matched.add(ruleset)
            return self._fired

    def _retract_quietly(self, ruleset: str, message: dict[str, Any]) -> None:
        try:
            self.retract_fact(ruleset, message)
        except MessageNotHandledException:
            pass

    def close(self) -> None:
        """Free the C rulesets; later calls raise EngineError."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for ruleset in self._ruleset_list:
                # delete_ruleset alone leaks the session's state (~80 kB per ruleset that
                # saw a message); drop the state first. But delete_state aborts the process
                # when the state never matched a rule, so only for rulesets that did.
                if ruleset._name in self._matched:
                    ruleset.delete_state("0")
                durable_rules_engine.delete_ruleset(ruleset._handle)
            self._ruleset_list.clear()
            self._ruleset_directory.clear()
