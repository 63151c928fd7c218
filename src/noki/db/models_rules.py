"""Rule versions in the database: proposals, approvals, and which version is live."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from noki.db.clock import utcnow


class RuleVersionRow(SQLModel, table=True):
    """One set of rule files (contents + hash) and where it is in the change workflow."""

    __tablename__ = "rule_versions"
    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(index=True, max_length=16)  # rules_version of the files
    files: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # {name: text}
    # proposed | approved | rejected | rolled_back (approved = went live at some point)
    status: str = Field(default="proposed", max_length=12)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    proposed_by: str = Field(max_length=80)
    proposed_at: datetime = Field(default_factory=utcnow)
    base_version: str | None = Field(default=None, max_length=16)  # live when proposed
    diff: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    diff_csv: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    decided_by: str | None = Field(default=None, max_length=80)
    decided_at: datetime | None = None
    decision_note: str = Field(default="", max_length=500)
    replaced_id: int | None = Field(default=None, foreign_key="rule_versions.id")
    row_version: int = 1


class RulesLiveRow(SQLModel, table=True):
    """The single pointer (id 1) to the live rule version; every change is a CAS on it."""

    __tablename__ = "rules_live"
    id: int = Field(default=1, primary_key=True)
    version_id: int = Field(foreign_key="rule_versions.id")
    row_version: int = 1
    changed_by: str = Field(max_length=80)
    changed_at: datetime = Field(default_factory=utcnow)
