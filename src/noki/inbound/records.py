"""Inquiries that arrive as data (chat, phone notes, web forms): validation for the API and for
`noki ingest inquiries FILE.(jsonl|csv)`, and their view as VOC voices."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from noki.inbound.link import link_inquiry
from noki.inbound.models import LinkResult
from noki.io.jsonl import LineError, Parsed, format_validation_error, parse_models
from noki.voc.models import Voice

InquiryChannel = Literal["email", "chat", "phone", "web_form"]
TOKYO = ZoneInfo("Asia/Tokyo")
MAX_TEXT = 20_000  # a web form or a call note; longer input is an error, not silently cut
# VOC channel names (noki.voc.models.CHANNELS) for each inquiry channel.
VOC_CHANNEL = {"email": "email", "chat": "chat", "phone": "call", "web_form": "email"}


class InquiryIn(BaseModel):
    """One inquiry as a client sends it; unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    # The sender's own id: the same id twice is one inquiry (idempotent retries).
    id: str | None = Field(default=None, max_length=200)
    channel: InquiryChannel
    received_at: dt.datetime
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    subject: str = Field(default="", max_length=500)
    order_id: str | None = Field(default=None, max_length=100)
    customer_name: str | None = Field(default=None, max_length=200)
    customer_email: str | None = Field(default=None, max_length=320)

    @field_validator("received_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        # A time without a zone is Japanese local time (call notes are written that way).
        return value if value.tzinfo else value.replace(tzinfo=TOKYO)

    @field_validator("customer_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and ("@" not in value or " " in value or value.startswith("@")):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value or None

    @field_validator("id", "order_id", "customer_name", "subject", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value


def _csv_rows(text: str) -> list[Parsed[InquiryIn] | LineError]:
    out: list[Parsed[InquiryIn] | LineError] = []
    reader = csv.DictReader(io.StringIO(text))
    line = 2
    for row in reader:
        doc = {k.strip(): (v if v != "" else None) for k, v in row.items() if k}
        doc = {k: v for k, v in doc.items() if v is not None}
        try:
            out.append(Parsed(line, InquiryIn.model_validate(doc)))
        except ValidationError as exc:
            out.extend(LineError(line, f, m) for f, m in format_validation_error(exc))
        line = reader.line_num + 1
    return out


def parse_inquiries(text: str, *, csv_format: bool = False) -> list[Parsed[InquiryIn] | LineError]:
    """Every good row parsed, every bad one named (`line N: field: message`)."""
    return _csv_rows(text) if csv_format else list(parse_models(text, InquiryIn))


def validate_batch(items: list[Any]) -> tuple[list[InquiryIn], list[dict[str, object]]]:
    """A request's inquiries: (good ones, errors by index); good ones are kept beside bad ones."""
    good: list[InquiryIn] = []
    errors: list[dict[str, object]] = []
    for index, item in enumerate(items):
        try:
            good.append(InquiryIn.model_validate(item))
        except ValidationError as exc:
            errors += [{"index": index, "field": f, "message": m}
                       for f, m in format_validation_error(exc)]
    return good, errors


def link_record(record: InquiryIn, order_exists: Callable[[str], bool]) -> LinkResult:
    """An explicit order id that exists, else an order number in the text, else unlinked."""
    if record.order_id and order_exists(record.order_id):
        return LinkResult(order_id=record.order_id, method="order_number",
                          detail=f"指定の注文番号 {record.order_id}")
    return link_inquiry(in_reply_to=None, references=[], subject=record.subject, text=record.text,
                        thread_orders={}, order_exists=order_exists)


def as_voice(inquiry_id: str, received_at: dt.datetime, channel: str, text: str,
             order_id: str | None) -> Voice:
    """A stored inquiry as a VOC voice (the day in Japan, the VOC channel name)."""
    day = received_at.astimezone(TOKYO).date() if received_at.tzinfo else received_at.date()
    return Voice(id=inquiry_id, date=day, channel=VOC_CHANNEL.get(channel, channel), text=text,
                 order_id=order_id)
