"""What noki decided for one order, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

# The values of these fields are declared in the rule files' vocabulary (rules/00_vocabulary.yaml)
# and validated when the rules load, so a new segment or compensation type needs no code change.
Segment = str
Lane = str
CompensationType = str
OptionName = str
DecidedChannel = str
Approval = str
Escalation = Literal["none", "person"]
# Whether and what to write: a delay notice, good news (ETA moved earlier), or nothing. Fixed in
# code: the services act on these values.
NoticePurpose = Literal["delay", "improved", "none"]

# The sample policy's presentation order of options (the rule files' vocabulary decides it for
# decisions; this is the order of the options the sample drafting wording knows).
OPTION_ORDER: tuple[OptionName, ...] = (
    "wait",
    "substitute",
    "partial_shipment",
    "reschedule",
    "cancel_refund",
)


class Compensation(BaseModel):
    """A compensation kind and its amount in yen (null when it has none)."""

    model_config = ConfigDict(frozen=True)

    type: CompensationType
    amount_jpy: int | None = None


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """Which rule of which table decided something, in words for a person."""

    # A plain dataclass: the engine builds ~10 per decision on its hot path.
    ruleset: str
    rule: str
    why: str
    file: str = ""
    line: int = 0


class Decision(BaseModel):
    """One decision per order; field names are an external contract."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    segment: Segment
    lane: Lane
    human_followup: bool
    compensation: Compensation
    options: list[OptionName]
    approval: Approval
    channel: DecidedChannel
    next_update_date: date
    delay_days: int
    deadline_missed: bool
    rules_version: str
    notice_purpose: NoticePurpose = "delay"
    trace: list[TraceEntry] = []
    # Overdue orders go to a person once (rules/70_escalation.yaml).
    escalation: Escalation = "none"

    def to_json_dict(self) -> dict[str, object]:
        """The decision as plain JSON types, in contract field order."""
        # `escalation` is lifecycle state added later: shown only when a person must act,
        # so the contract's documents stay exactly as they were for every other order.
        return self.model_dump(mode="json", exclude=_NO_ESCALATION if self.escalation == "none"
                               else None)


_NO_ESCALATION = {"escalation"}
