"""One AppContext per process, built from Settings: database, rules, drafter, channels, paths."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from noki.app.memo import Memo
from noki.db.clock import utcnow
from noki.domain.order import TOKYO
from noki.settings import Settings

if TYPE_CHECKING:
    from noki.messaging import Channels
    from noki.rules.store import RuleStore
    from noki.services.drafting_port import DraftingPort
    from noki.services.faq_source import FaqSource


# How often a process asks the database which rule version is live (one small SELECT).
RULES_PROBE_SECONDS = 5.0


class Clock:
    """The time source services ask (tests pass a fixed one)."""

    def __init__(self, now: Callable[[], datetime] = utcnow) -> None:
        self._now = now

    def now(self) -> datetime:
        """The current time in UTC (aware)."""
        return self._now()

    def today(self) -> date:
        """Today's date in Tokyo, the business calendar's zone."""
        return self._now().astimezone(TOKYO).date()

    @classmethod
    def on_day(cls, day: date) -> Clock:
        """A clock on a simulated Tokyo day (`--today`): the real time of day, on that day."""

        def now() -> datetime:
            real = utcnow().astimezone(TOKYO)
            return datetime.combine(day, real.timetz()).astimezone(UTC)

        return cls(now)


class AppContext:
    """Settings plus the long-lived parts built from them (each on first use, then reused).

    The console (FastAPI lifespan), every CLI command and the tests build one of these; services
    and routes receive it instead of reaching for module globals or the environment.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine | None = None,
        clock: Clock | None = None,
        migrate: bool = True,
    ) -> None:
        self.settings = settings
        self.clock = clock or Clock()
        self._engine = engine
        self._owns_engine = engine is None
        self._migrate = migrate
        self._migrated = False
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The database engine (created and migrated on first use)."""
        with self._lock:
            if self._engine is None:
                from noki.db import make_engine

                self._engine = make_engine(self.settings.database_url)
            if self._migrate and not self._migrated:
                from noki.db import migrate

                migrate(self._engine)
                self._migrated = True
            return self._engine

    @cached_property
    def rules(self) -> RuleStore:
        """The rule store serving the approved live version stored in the database.

        Before any version is stored, the files in settings.rules_dir serve (and the console
        stores them as the first version when it starts); from then on only an approved change
        (noki.services.rule_changes) goes live, and every process follows the live version
        within a few seconds. Without a database (a CLI
        command on a fresh checkout) the store serves rules_dir. Reloads are gated by lint and
        a smoke run on the sample orders.
        """
        from noki.rules.lint import lint_gate
        from noki.rules.loader import read_rule_files
        from noki.rules.store import RuleStore
        from noki.rules.verify import smoke_gate
        from noki.services import rule_versions

        directory = self.settings.rules_dir
        gates = (lint_gate, smoke_gate())
        if not self._database_exists():
            return RuleStore(directory, gates=gates)
        engine = self.engine

        def source() -> dict[str, bytes]:
            stored = rule_versions.live_files(engine)
            return stored if stored is not None else read_rule_files(directory)

        # No write here: the first use may come inside a caller's transaction (bulk ingest),
        # and SQLite would wait for it. The console stores version 1 when it starts
        # (store_first_rules) and every workflow step does before it changes anything.
        return RuleStore(directory, gates=gates, source=source,
                         probe=lambda: rule_versions.live_version(engine),
                         probe_every=RULES_PROBE_SECONDS)

    def store_first_rules(self) -> None:
        """Store the files in rules_dir as the live version when the database holds none."""
        from noki.rules.loader import read_rule_files
        from noki.rules.model import RuleFileError
        from noki.services import rule_versions

        try:
            files = read_rule_files(self.settings.rules_dir)
        except RuleFileError:
            return  # nothing to store; the store reports the folder when it loads
        rule_versions.bootstrap(self.engine, files)

    def _database_exists(self) -> bool:
        """False for a SQLite file not created yet (reading rules must not create one)."""
        if self._engine is not None:
            return True
        from sqlalchemy.engine import make_url

        url = make_url(self.settings.database_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return True
        from pathlib import Path

        return Path(url.database).is_file()

    @cached_property
    def drafter(self) -> DraftingPort:
        """Template drafter, or the model through one reused client when one is configured."""
        from noki.drafting import TemplateDrafter
        from noki.drafting.settings import NoticeSettings
        from noki.services.drafting_port import DraftingPort

        s = self.settings
        notices = NoticeSettings(
            sms_max_segments=s.notice_sms_max_segments,
            replies_handled=s.notice_replies_handled,
            self_service_url=s.notice_self_service_url,
            lead_days={"ec": s.notice_lead_days_ec, "btob": s.notice_lead_days_btob,
                       "vehicle": s.notice_lead_days_vehicle, "parts": s.notice_lead_days_parts},
        )
        return DraftingPort(
            templates=TemplateDrafter(self.settings.templates_dir, notices),
            prompts_dir=self.settings.prompts_dir,
            llm_settings=self.settings.llm,
            allowed_domains=self.settings.company_domain_list,
        )

    @cached_property
    def stale_memo(self) -> Memo[list[str]]:
        """Queue pages' staleness verdicts, keyed by draft version, order payload and day."""
        return Memo(4096)

    @cached_property
    def faq(self) -> FaqSource:
        """data/faq.yaml plus the FAQ entries accepted on the console (used by answers at once)."""
        from noki.services.faq_source import FaqSource

        return FaqSource(lambda: self.engine, self.settings.faq_path)

    def channels(self) -> Channels:
        """Fresh senders per channel (each sender worker keeps its own connections)."""
        from noki.messaging import build_channels

        return build_channels(self.settings)

    def close(self) -> None:
        """Release the model client and (when this context created it) the engine."""
        if "drafter" in self.__dict__:
            self.drafter.close()
        if "rules" in self.__dict__:
            self.rules.close()
            del self.__dict__["rules"]
        if self._owns_engine and self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._migrated = False

    def __enter__(self) -> AppContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
