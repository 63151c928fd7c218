"""Pydantic models of VOC inputs (voices, explanations) and the report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

CHANNELS = ("email", "review", "sns", "call", "chat")


class Voice(BaseModel):
    """One customer voice (inquiry, review, SNS post, call note)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    date: dt.date
    channel: str = "other"
    text: str
    order_id: str | None = None
    sku_id: str | None = None

    @field_validator("id", "order_id", "sku_id", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    @field_validator("date", mode="before")
    @classmethod
    def _date_part(cls, value: Any) -> Any:
        # Accept ISO datetimes too ("2026-11-03T10:00:00+09:00"): the report works in days.
        if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
            return dt.datetime.fromisoformat(value).date()
        return value

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, value: Any) -> Any:
        if value is None:
            return "other"
        return value.strip().lower() if isinstance(value, str) else value


class FaqEntry(BaseModel):
    """One product FAQ entry (data/faq.yaml format; extra keys are ignored)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    question: str
    answer: str = ""

    @field_validator("id", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class ExplanationDoc(BaseModel):
    """Text that may explain a gap to customers: a FAQ entry or a notice template."""

    id: str
    kind: str  # "faq" | "template"
    title: str
    text: str


class WeekPoint(BaseModel):
    """Voices in one ISO week (Monday start), and their share of that week's voices."""

    week: dt.date
    count: int
    share: float


class Trend(BaseModel):
    """Weekly series plus a one-word direction comparing the last 2 weeks with before."""

    direction: str  # rising | falling | stable | new | insufficient
    change: float | None = None  # recent share / earlier share
    weekly: list[WeekPoint] = Field(default_factory=list)


class Quote(BaseModel):
    """A representative voice shown to readers."""

    id: str
    date: dt.date
    channel: str
    text: str


class DocResult(BaseModel):
    """Codes assigned to one input voice."""

    id: str
    categories: list[str]
    topic: str | None = None


class Gap(BaseModel):
    """One taxonomy code across the corpus."""

    code: str
    label: str
    count: int
    share: float
    trend: Trend
    covered_by: list[str]
    flagged: bool
    examples: list[str]
    suggestion: str
    quotes: list[Quote] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    # Explained by the FAQ/templates yet frequent and rising: the explanation does not work.
    explained_not_working: bool = False


class Topic(BaseModel):
    """An open-ended topic found by NMF beyond the taxonomy."""

    id: str
    label: str
    keywords: list[str]
    size: int
    trend: Trend
    examples: list[str]
    quotes: list[Quote] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    # delivery (配送・連絡) | product (お褒め・商品・その他: praise, product reviews, others)
    group: str = "delivery"
    # phrase (cut from a voice) | model (checked) | keywords | mixed (a residual topic)
    label_source: str = "keywords"


class Spike(BaseModel):
    """A week in which a code or topic jumped against its recent baseline."""

    kind: str  # gap | topic
    key: str
    label: str
    week: dt.date
    count: int
    baseline: float
    ratio: float


class Explanation(BaseModel):
    """Which codes an explanation document covers, as decided by the classifier."""

    id: str
    kind: str
    title: str
    categories: list[str]


class FaqProposal(BaseModel):
    """A FAQ entry noki proposes for a gap: reviewed by marketing/CS before it is used."""

    id: str
    code: str
    question: str
    answer: str
    quotes: list[Quote] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)  # what in rules/templates backs the answer
    missing: list[str] = Field(default_factory=list)  # evidence not found: not grounded
    grounded: bool = True
    reason: str  # flagged | explained_not_working


class WordingProposal(BaseModel):
    """A change to the notice templates where the templates leave a gap unexplained."""

    code: str
    templates: list[str]  # the notice templates that do not explain the gap
    proposal: str
    reason: str


class VocReport(BaseModel):
    """Everything marketing reads: gaps, topics, spikes, per-voice codes."""

    n_voices: int
    period_start: dt.date | None
    period_end: dt.date | None
    min_count: int
    min_share: float
    templates_used: bool
    weeks: list[WeekPoint]
    gaps: list[Gap]
    topics: list[Topic]
    unassigned: int  # voices no topic could take (too few known words)
    spikes: list[Spike]
    explanations: list[Explanation]
    docs: list[DocResult]
    faq_proposals: list[FaqProposal] = Field(default_factory=list)
    wording_proposals: list[WordingProposal] = Field(default_factory=list)
