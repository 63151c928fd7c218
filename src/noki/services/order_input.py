"""Orders as ERP/OMS export them: JSONL documents or flat CSV rows (pure parsing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import Field, ValidationError, field_validator

from noki.domain.order import Contact, Customer, Order
from noki.io.csv_rows import csv_records, nest
from noki.io.jsonl import LineError, Parsed, format_validation_error, parse_models
from noki.services.contacts import normalise_email, normalise_phone


class ContactIn(Contact):
    """Contact as it arrives: e-mail and phone checked and put in normal form."""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else normalise_email(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else normalise_phone(value)


class CustomerIn(Customer):
    """Customer as it arrives (contact checked)."""

    contact: ContactIn = ContactIn()


class OrderIn(Order):
    """An incoming order: the Order document plus an optional purchase-order reference."""

    po_ref: str | None = Field(default=None, min_length=1, max_length=64)
    customer: CustomerIn

    def order(self) -> Order:
        """The plain Order (without the ingest-only fields)."""
        return Order.model_validate(self.model_dump(exclude={"po_ref"}))


def validate_batch(
    items: list[Any], parse: Callable[[Any], OrderIn] = OrderIn.model_validate
) -> tuple[list[OrderIn], list[dict[str, object]]]:
    """Validate a whole request before anything is written: (good orders, errors by index).

    An order_id sent twice in one request is ambiguous (which one is current?): every
    occurrence is refused, naming the other indexes; the other orders are kept.
    """
    parsed: dict[int, OrderIn] = {}
    errors: list[dict[str, object]] = []
    for index, item in enumerate(items):
        try:
            parsed[index] = parse(item)
        except ValidationError as exc:
            errors += [
                {"index": index, "field": f, "message": m} for f, m in format_validation_error(exc)
            ]
    seen: dict[str, list[int]] = {}
    for index, order in parsed.items():
        seen.setdefault(order.order_id, []).append(index)
    for order_id, indexes in seen.items():
        if len(indexes) < 2:
            continue
        for index in indexes:
            del parsed[index]
            others = ", ".join(str(i) for i in indexes if i != index)
            errors.append(
                {
                    "index": index,
                    "field": "order_id",
                    "message": f"order_id {order_id!r} is repeated (also at index {others}); "
                    "send each order once per request",
                }
            )
    errors.sort(key=lambda e: int(e["index"]))  # type: ignore[call-overload]
    return list(parsed.values()), errors


# CSV column -> path in the Order document (documented in docs/console.md).
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "order_id": ("order_id",),
    "industry": ("industry",),
    "channel": ("channel",),
    "as_of": ("as_of",),
    "ordered_at": ("ordered_at",),
    "promised_date": ("promised_date",),
    "eta_earliest": ("eta", "earliest"),
    "eta_latest": ("eta", "latest"),
    "eta_confidence": ("eta", "confidence"),
    # The ETA told in the previous notice (optional): the notice says what changed.
    "previous_eta_earliest": ("previous_eta", "earliest"),
    "previous_eta_latest": ("previous_eta", "latest"),
    "previous_eta_confidence": ("previous_eta", "confidence"),
    "reschedule_count": ("reschedule_count",),
    "delay_reason": ("delay_reason",),
    "need_by": ("need_by",),
    "purpose": ("purpose",),
    "quantity": ("quantity",),
    "unit_price_jpy": ("unit_price_jpy",),
    "partial_available": ("partial_available",),
    "partial_allowed": ("partial_allowed",),
    "sku_id": ("sku", "sku_id"),
    "sku_name": ("sku", "name"),
    "sku_category": ("sku", "category"),
    "sku_substitutes": ("sku", "substitutes"),
    "customer_id": ("customer", "customer_id"),
    "customer_name": ("customer", "name"),
    "customer_rank": ("customer", "rank"),
    "customer_ltv_jpy": ("customer", "ltv_jpy"),
    "customer_orders_count": ("customer", "orders_count"),
    "customer_fleet": ("customer", "fleet"),
    "contract_tier": ("customer", "contract", "tier"),
    "contract_sla_days": ("customer", "contract", "sla_days"),
    "contract_penalty_rate_per_day": ("customer", "contract", "penalty_rate_per_day"),
    "contract_penalty_cap_rate": ("customer", "contract", "penalty_cap_rate"),
    "contact_email": ("customer", "contact", "email"),
    "contact_phone": ("customer", "contact", "phone"),
    "contact_preferred_channel": ("customer", "contact", "preferred_channel"),
    "po_ref": ("po_ref",),
}
_BY_PATH = {".".join(path): col for col, path in CSV_COLUMNS.items()}
_BOOLS = {
    "true": True,
    "1": True,
    "yes": True,
    "y": True,
    "false": False,
    "0": False,
    "no": False,
    "n": False,
}
_BOOL_COLUMNS = {"partial_available", "partial_allowed", "customer_fleet"}


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS as Japanese Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932")


def parse_orders(text: str, *, csv_format: bool | None = None) -> list[Parsed[OrderIn] | LineError]:
    """Parse a JSONL or CSV export; every valid row is kept, every bad one named."""
    if csv_format is None:
        csv_format = not text.lstrip().startswith(("{", "["))
    if not csv_format:
        return list(parse_models(text, OrderIn))
    return list(_parse_csv(text))


def _parse_csv(text: str) -> Any:
    for item in csv_records(text, CSV_COLUMNS):
        if isinstance(item, LineError):
            yield item
            continue
        line, cells = item
        try:
            yield Parsed(line, OrderIn.model_validate(
                nest({c: _cook(c, v) for c, v in cells.items()}, CSV_COLUMNS)))
        except ValidationError as exc:
            for field, message in format_validation_error(exc):
                yield LineError(line, _BY_PATH.get(field, field), message)


def _cook(column: str, value: str) -> Any:
    """A cell as the order document wants it: yes/no as booleans, substitutes as a list."""
    if column in _BOOL_COLUMNS:
        return _BOOLS.get(value.lower(), value)
    if column == "sku_substitutes":
        return [s.strip() for s in value.replace(";", "|").split("|") if s.strip()]
    return value
