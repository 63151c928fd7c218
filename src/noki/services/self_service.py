"""The customer's self-service page: signed links, what the page shows, recording the choice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db import session_scope
from noki.db.models import DecisionRow, OrderRow
from noki.db.models_lifecycle import CompensationGrantRow, OrderEventRow
from noki.domain.decision import Compensation
from noki.domain.lifecycle.states import STATE_LABELS
from noki.domain.lifecycle.tokens import SelfServiceToken, read_token
from noki.drafting import wording
from noki.drafting.jatext import format_date, format_range, format_yen
from noki.services import short_links
from noki.settings import Settings

FORM_MAX_AGE = 2 * 3600  # a confirmation form older than this is refused (reload the page)
CONFIDENCE_LABELS = {"high": "高い（この予定で進む見込みです）",
                     "medium": "中程度（前後する可能性があります）",
                     "low": "低い（変わる可能性があります。変更があればお知らせします）"}
GRANT_LABELS = {"free_shipping": "送料無料", "coupon": "クーポン", "refund_full": "全額返金",
                "sla_credit": "納期遅延クレジット", "loaner_car": "代車のご用意",
                "accessory_coupon": "アクセサリークーポン", "service_coupon": "整備クーポン"}
CHOOSABLE_STATES = frozenset({"backordered"})  # the transition table accepts a choice only here


def token_secret(settings: Settings) -> str:
    """NOKI_SELF_SERVICE_SECRET, or the session secret when it is not set."""
    if settings.self_service_secret:
        return settings.self_service_secret
    from noki.web.session_secret import session_secret  # configured or kept in the secret file

    return session_secret(settings)


def self_service_url(ctx: AppContext, order_id: str) -> str:
    """The order's short link (NOKI_NOTICE_SELF_SERVICE_URL with {token}), made when needed."""
    code = short_links.link_code(ctx.engine, order_id, today=ctx.clock.today(),
                                 valid_days=ctx.settings.self_service_valid_days)
    return link_url(ctx.settings, code)


def link_url(settings: Settings, code: str) -> str:
    """The page's address for a code or token."""
    return settings.notice_self_service_url.format(token=code)


def open_token(ctx: AppContext, token: str) -> SelfServiceToken:
    """The order a link opens (TokenInvalid / TokenExpired otherwise).

    A short code is looked up; a signed token (links sent before short links) still opens.
    """
    today = ctx.clock.today()
    if short_links.is_code(token):
        return short_links.open_code(ctx.engine, token, today=today)
    return read_token(token_secret(ctx.settings), token, today=today)


def _form_serializer(ctx: AppContext) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(token_secret(ctx.settings), salt="noki.self-service.form")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def form_token(ctx: AppContext, token: str) -> str:
    """The CSRF token of this link's forms (signed, bound to the link, 2 hours)."""
    return _form_serializer(ctx).dumps(_token_digest(token))


def form_token_ok(ctx: AppContext, token: str, sent: str | None) -> bool:
    """True when `sent` is a fresh form token issued for this very link."""
    if not sent:
        return False
    try:
        bound = _form_serializer(ctx).loads(sent, max_age=FORM_MAX_AGE)
    except BadSignature:
        return False
    return bool(bound == _token_digest(token))


@dataclass(frozen=True)
class Option:
    """One option the decision offered, in the customer's words."""

    name: str
    label: str


@dataclass
class PageView:
    """Everything the customer's page shows about one order (nothing else is read)."""

    order_id: str
    product: str
    quantity: int
    industry: str
    sender: str
    state: str
    state_label: str
    is_open: bool
    eta: str | None
    confidence: str | None
    next_update: str | None
    options: list[Option] = field(default_factory=list)
    compensation: list[str] = field(default_factory=list)
    choice: str | None = None
    choice_label: str | None = None
    chosen_at: datetime | None = None
    chosen_by: str | None = None

    @property
    def can_choose(self) -> bool:
        """Options are shown as a form only while a choice can still be recorded."""
        return self.is_open and self.choice is None and self.state in CHOOSABLE_STATES \
            and bool(self.options)

    def option(self, name: str) -> Option | None:
        """The offered option of that name, None when it was not offered."""
        return next((o for o in self.options if o.name == name), None)


def page_view(ctx: AppContext, order_id: str) -> PageView | None:
    """The page's facts for an order (None when the order is gone)."""
    today = ctx.clock.today()
    with session_scope(ctx.engine) as s:
        row = s.get(OrderRow, order_id)
        if row is None:
            return None
        decision = _latest_decision(s, order_id)
        grants = s.exec(select(CompensationGrantRow).where(
            CompensationGrantRow.order_id == order_id)
            .order_by(col(CompensationGrantRow.id))).all()
        chosen = s.exec(select(OrderEventRow).where(
            OrderEventRow.order_id == order_id, OrderEventRow.kind == "choice")
            .order_by(col(OrderEventRow.id).desc())).first()
        return _view(row, decision, list(grants), chosen, today)


def _latest_decision(s: Session, order_id: str) -> dict[str, Any]:
    row = s.exec(select(DecisionRow).where(DecisionRow.order_id == order_id)
                 .order_by(col(DecisionRow.id).desc())).first()
    return dict(row.payload) if row is not None else {}


def _view(row: OrderRow, decision: dict[str, Any], grants: list[CompensationGrantRow],
          chosen: OrderEventRow | None, today: date) -> PageView:
    doc = row.payload
    industry = str(doc.get("industry", "ec"))
    kind = "vehicle" if industry == "auto" and doc.get("sku", {}).get("category") == "vehicle" \
        else industry
    eta = doc.get("eta") or {}
    is_open = row.status == "open"
    options = [Option(o, wording.option_label(o, industry, kind))  # type: ignore[arg-type]
               for o in decision.get("options", []) if o in wording.OPTION_LABELS]
    view = PageView(
        order_id=row.order_id,
        product=str(doc.get("sku", {}).get("name", "")),
        quantity=int(doc.get("quantity", 1)),
        industry=industry,
        sender=wording.SENDER.get(industry, "noki"),
        state=row.state,
        state_label=STATE_LABELS.get(row.state, row.state),  # type: ignore[call-overload]
        is_open=is_open,
        eta=_eta_text(eta, today) if is_open and row.state != "allocated" else None,
        confidence=CONFIDENCE_LABELS.get(str(eta.get("confidence"))) if is_open else None,
        next_update=format_date(row.next_update_date, today)
        if is_open and row.next_update_date else None,
        options=options,
        compensation=_compensation_lines(decision, grants),
        choice=row.choice,
    )
    if row.choice:
        view.choice_label = wording.option_label(row.choice, industry, kind)  # type: ignore[arg-type]
        if chosen is not None:
            view.chosen_at = chosen.received_at
            view.chosen_by = str(chosen.payload.get("chosen_by", "customer"))
    return view


def _eta_text(eta: dict[str, Any], today: date) -> str | None:
    try:
        first, last = date.fromisoformat(eta["earliest"]), date.fromisoformat(eta["latest"])
    except (KeyError, TypeError, ValueError):
        return None
    return format_range(first, last, today)


def _compensation_lines(decision: dict[str, Any], grants: list[CompensationGrantRow]) -> list[str]:
    """What was already stated to the customer (ledger), then what the newest decision adds."""
    lines = [f"{GRANT_LABELS.get(g.type, g.type)}"
             + (f" {format_yen(g.amount_jpy)}" if g.amount_jpy else "") + "（ご案内済み）"
             for g in grants]
    comp = decision.get("compensation") or {}
    granted = {(g.type, g.decision_id) for g in grants}
    if comp.get("type", "none") != "none" and (comp["type"], decision.get("id")) not in granted \
            and not any(g.type == comp["type"] and g.amount_jpy == comp.get("amount_jpy")
                        for g in grants):
        text = wording.compensation_text(Compensation.model_validate(comp))
        if text:
            lines.append(text)
    return lines


Outcome = Literal["chosen", "already", "not_offered", "not_open", "missing", "failed"]


@dataclass(frozen=True)
class ChoiceResult:
    """What recording a choice did: a Japanese line for the page, the technical detail apart."""

    outcome: Outcome
    message: str
    detail: str = ""  # for agents and logs; never shown on the customer's page


def record_choice(
    ctx: AppContext, order_id: str, option: str, *, chosen_by: Literal["customer", "agent"],
    actor: str, source: str, note: str | None = None, event_id: str | None = None,
) -> ChoiceResult:
    """Record one choice through apply_events (stored, audited, timeline, notice, webhook)."""
    from noki.services.lifecycle_events import apply_events

    view = page_view(ctx, order_id)
    if view is None:
        return ChoiceResult("missing", "ご注文が見つかりません。")
    if view.choice is not None:
        return ChoiceResult("already", "ご選択はすでに承っております。")
    if not view.is_open or view.state not in CHOOSABLE_STATES:
        return ChoiceResult("not_open", f"このご注文は「{view.state_label}」のため、"
                            "ご選択を承ることができません。")
    if view.option(option) is None:
        return ChoiceResult("not_offered", "この選択肢はご案内しておりません。"
                            "表示されている選択肢からお選びください。")
    event: dict[str, Any] = {
        "kind": "choice", "order_id": order_id, "option": option, "chosen_by": chosen_by,
        # A customer's choice has one id per order: a double submit is applied once.
        "event_id": event_id or f"self-service-choice-{order_id}",
    }
    if note:
        event["note"] = note
    result = apply_events(ctx, [event], actor=actor, source=source)
    if result.applied:
        return ChoiceResult("chosen", "ご選択を承りました。確認のご連絡をお送りします。")
    if result.duplicates:
        return ChoiceResult("already", "ご選択はすでに承っております。")
    detail = "; ".join(f"{e.field}: {e.message}" for e in result.errors)
    after = page_view(ctx, order_id)
    if after is not None and after.choice is not None:  # another choice won the race
        return ChoiceResult("already", "ご選択はすでに承っております。", detail)
    return ChoiceResult("failed", "ご選択を承ることができませんでした。"
                        "お手数ですが、ご案内のメールに記載の窓口までご連絡ください。", detail)
