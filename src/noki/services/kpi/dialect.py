"""The few SQL pieces that differ between PostgreSQL and SQLite (dates, weeks, durations)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

WORK_MEM = "64MB"


def roomy(s: Session) -> None:
    """Let this transaction's KPI sorts and hashes stay in memory on PostgreSQL.

    The default work_mem (4 MB) sends a GROUP BY over 10,000 SKUs to disk (external merge).
    SET LOCAL ends with the transaction.
    """
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))


@dataclass(frozen=True)
class Dialect:
    """SQL snippets for one database."""

    name: str

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def days(self, later: str, earlier: str) -> str:
        """Whole days from one date expression to another."""
        if self.postgres:
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def minutes(self, later: str, earlier: str) -> str:
        """Whole minutes (rounded down) between two stored times."""
        if self.postgres:
            return f"FLOOR(EXTRACT(EPOCH FROM ({later} - {earlier})) / 60)"
        return f"CAST((julianday({later}) - julianday({earlier})) * 1440 AS INTEGER)"

    def tokyo_week(self, moment: str) -> str:
        """The Monday (date) of the ISO week a stored UTC time falls in, in Japan."""
        if self.postgres:
            return f"CAST(date_trunc('week', {moment} AT TIME ZONE 'Asia/Tokyo') AS DATE)"
        return f"date({moment}, '+9 hours', 'weekday 0', '-6 days')"

    def open_day(self) -> str:
        """The closed_on the rollups store for orders not closed (later than any real day)."""
        return "DATE '9999-12-31'" if self.postgres else "'9999-12-31'"

    def date_param(self, name: str) -> str:
        """A bound date parameter usable in date arithmetic."""
        return f"CAST(:{name} AS DATE)" if self.postgres else f"date(:{name})"
