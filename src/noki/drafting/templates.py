"""The template drafter: Jinja2 notices per channel and industry, offline and deterministic."""

from __future__ import annotations

import re
import time
from functools import cached_property
from pathlib import Path

import jinja2

from noki.domain.decision import Decision
from noki.domain.draft import Draft, NoticeChannel
from noki.domain.order import Order
from noki.drafting.checker import check_text
from noki.drafting.context import notice_context
from noki.drafting.lifecycle_notice import LifecycleNotice
from noki.drafting.settings import DEFAULT_SETTINGS, NoticeSettings
from noki.paths import shipped

TEMPLATE_DIR = shipped("templates", "notice")
SUBJECT_SEPARATOR = "\n---\n"
_BLANK_RUNS = re.compile(r"\n{3,}")


def default_channel(decision: Decision) -> NoticeChannel:
    """The decision's channel; e-mail when the customer cannot be reached (a person sends it)."""
    return "sms" if decision.channel == "sms" else "email"


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines))


class TemplateDrafter:
    """Renders templates/notice/<channel>_<industry>.j2; no network, no model."""

    name = "template"

    def __init__(
        self, template_dir: Path = TEMPLATE_DIR, settings: NoticeSettings = DEFAULT_SETTINGS
    ) -> None:
        self.template_dir = template_dir
        self.settings = settings

    @cached_property
    def env(self) -> jinja2.Environment:
        """Plain-text environment; a missing variable fails instead of printing nothing."""
        return jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.template_dir),
            autoescape=False,  # plain text notices, not HTML
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # templates are read once per process; no stat() per notice
        )

    def template_name(
        self, order: Order, channel: NoticeChannel, notice: LifecycleNotice | None
    ) -> str:
        """The delay notice per channel and industry; lifecycle steps have their own."""
        if notice is not None and notice.is_lifecycle:
            return f"lifecycle/{notice.kind}_{channel}.j2"
        if notice is not None and notice.nothing_new:
            return f"lifecycle/nothing_new_{channel}.j2"
        return f"{channel}_{order.industry}.j2"

    def render(
        self, order: Order, decision: Decision, channel: NoticeChannel,
        notice: LifecycleNotice | None = None,
    ) -> tuple[str | None, str]:
        """(subject, body) for e-mail, (None, text) for SMS."""
        template = self.env.get_template(self.template_name(order, channel, notice))
        ctx = notice_context(order, decision, channel=channel, settings=self.settings,
                             notice=notice)
        if channel == "email":
            subject, _, body = template.render(ctx).partition(SUBJECT_SEPARATOR)
            return _tidy(subject), _tidy(body)
        text = ""
        for variant in ("full", "short", "min"):  # the first that fits the segment limit
            text = _tidy(template.render(ctx, variant=variant))
            if len(text.encode("utf-16-le")) // 2 <= self.settings.sms_limit:
                break
        return None, text

    def draft(
        self, order: Order, decision: Decision, channel: NoticeChannel,
        notice: LifecycleNotice | None = None,
    ) -> Draft:
        """Render and check one notice (a lifecycle step when `notice` says so)."""
        started = time.perf_counter()
        subject, body = self.render(order, decision, channel, notice)
        check = check_text(order, decision, channel=channel, subject=subject, body=body,
                           settings=self.settings, notice=notice)
        return Draft(
            order_id=order.order_id,
            channel=channel,
            subject=subject,
            body=body,
            drafter="template",
            check=check,
            rules_version=decision.rules_version,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            notice=notice.to_dict() if notice is not None else None,
        )


def draft_notice(
    order: Order,
    decision: Decision,
    *,
    channel: NoticeChannel | None = None,
    drafter: TemplateDrafter | None = None,
    notice: LifecycleNotice | None = None,
) -> Draft:
    """Draft the notice for an order's decision with the template drafter (checked).

    Without a drafter a fresh default one is built (no module-level instance): hot paths pass
    the AppContext's drafter.
    """
    drafter = drafter or TemplateDrafter()
    return drafter.draft(order, decision, channel or default_channel(decision), notice)
