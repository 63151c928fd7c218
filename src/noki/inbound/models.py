"""What an inquiry is: a parsed mail (or a note), its status, link to an order, intent, choice."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from noki.domain.decision import OptionName

# ok: goes to intent + answer drafting; every other status is kept for a person, never dropped.
MailStatus = Literal["ok", "auto_reply", "bounce", "loop", "spam_like", "too_large", "malformed",
                     "empty"]
LinkMethod = Literal["thread", "order_number", "unlinked"]
Intent = Literal["eta_question", "option_choice", "cancellation", "compensation", "complaint",
                 "other"]
INTENTS: tuple[Intent, ...] = ("eta_question", "option_choice", "cancellation", "compensation",
                               "complaint", "other")
INTENT_LABELS: dict[str, str] = {
    "eta_question": "納期の問い合わせ", "option_choice": "対応の選択", "cancellation": "キャンセル",
    "compensation": "補償・お詫び", "complaint": "苦情", "other": "その他",
}
STATUS_LABELS: dict[str, str] = {
    "ok": "受付", "auto_reply": "自動返信", "bounce": "配信エラー", "loop": "メールループ",
    "spam_like": "迷惑メールの疑い", "too_large": "添付が大きすぎる", "malformed": "解析できない",
    "empty": "本文なし",
}


class Attachment(BaseModel):
    """An attachment's name, type and size (the content is not kept by the parser)."""

    model_config = ConfigDict(frozen=True)

    filename: str | None
    content_type: str
    size: int


class InboundMail(BaseModel):
    """One received e-mail, decoded: headers that matter, the new text, and why it may be held."""

    model_config = ConfigDict(frozen=True)

    message_id: str | None
    in_reply_to: str | None
    references: list[str] = Field(default_factory=list)
    from_addr: str
    from_name: str = ""
    to_addrs: list[str] = Field(default_factory=list)
    subject: str
    date: dt.datetime | None
    text: str  # the customer's new text: quoted previous mail and signature removed
    full_text: str  # the whole decoded body (quotes kept), for a person
    html_only: bool = False
    charsets: list[str] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    size: int = 0
    status: MailStatus = "ok"
    status_reason: str | None = None
    defects: list[str] = Field(default_factory=list)


class LinkResult(BaseModel):
    """Which order an inquiry belongs to and how we know."""

    model_config = ConfigDict(frozen=True)

    order_id: str | None
    method: LinkMethod
    detail: str = ""


class ChoiceProposal(BaseModel):
    """An option the customer wrote they want: a proposal for an agent, never applied by noki.

    Maps to the lifecycle event `{"kind": "choice", "option": ...}` that an agent records.
    """

    model_config = ConfigDict(frozen=True)

    option: OptionName
    evidence: str  # the customer's words
    offered: bool  # the option is among the decision's options (else: needs a person's judgement)
    event: dict[str, str]  # the choice event an agent would record, e.g. {"kind": "choice", ...}


class IntentResult(BaseModel):
    """Intent of an inquiry with the cue that decided it, and a choice proposal if one was made."""

    model_config = ConfigDict(frozen=True)

    intent: Intent
    cues: list[str] = Field(default_factory=list)
    choice: ChoiceProposal | None = None
    injection: bool = False  # the text tries to instruct the system: a person answers
