"""FAQ tables (0005_inq): proposals from the VOC report under review, and accepted entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from noki.db.clock import utcnow


class FaqProposalRow(SQLModel, table=True):
    """A FAQ entry the VOC report proposed, with the quotes behind it, until a person decides."""

    __tablename__ = "faq_proposals"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=100)  # the proposal's id, e.g. faq-no-alternative
    code: str = Field(max_length=40)  # the VOC gap code
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    quotes: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    missing: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    reason: str = Field(default="flagged", max_length=30)
    status: str = Field(default="proposed", index=True, max_length=10)  # proposed|accepted|rejected
    reviewed_by: str | None = Field(default=None, max_length=80)
    review_reason: str | None = Field(default=None, sa_column=Column(Text))
    reviewed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    row_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class FaqEntryRow(SQLModel, table=True):
    """One version of a FAQ entry accepted on the console (the newest version of an id wins)."""

    __tablename__ = "faq_entries"
    __table_args__ = (UniqueConstraint("entry_id", "version", name="uq_faq_entries_version"),)
    id: int | None = Field(default=None, primary_key=True)
    entry_id: str = Field(index=True, max_length=100)
    version: int
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    proposal_id: int | None = Field(default=None, foreign_key="faq_proposals.id")
    author: str = Field(max_length=80)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)
