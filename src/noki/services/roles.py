"""Roles and what each may do (pure: the web layer and the use cases both ask here)."""

from __future__ import annotations

from dataclasses import dataclass

from noki.services.errors import Forbidden

ROLES = ("agent", "supervisor", "rule_author", "marketing", "admin")

_GRANTS: dict[str, frozenset[str]] = {
    "agent": frozenset({"queue.read", "draft.write", "contact.read"}),
    "supervisor": frozenset(
        {
            "queue.read",
            "draft.write",
            "draft.override",
            "draft.bulk",
            "audit.read",
            "outbox.retry",
            "contact.read",
            "orders.events",
            "kpi.read",
            "sales_control.approve",
            "rules.read",
            "rules.reload",
            "rules.approve",
            "faq.review",
        }
    ),
    # A rule author proposes changes; a supervisor or an admin approves them (issue 15).
    "rule_author": frozenset({"rules.read", "rules.reload", "rules.propose"}),
    "marketing": frozenset({"voc.read", "queue.read", "audit.read", "kpi.read",
                            "faq.review"}),
    "admin": frozenset(
        {
            "queue.read",
            "draft.write",
            "draft.override",
            "draft.bulk",
            "audit.read",
            "outbox.retry",
            "rules.read",
            "rules.reload",
            "rules.propose",
            "rules.approve",
            "voc.read",
            "faq.review",
            "users.admin",
            "orders.write",
            "orders.events",
            "contact.read",
            "kpi.read",
            "sales_control.approve",
        }
    ),
}


def can(role: str, permission: str) -> bool:
    """True when the role grants the permission."""
    return permission in _GRANTS.get(role, frozenset())


def home_for(role: str) -> str:
    """The page a role lands on after login."""
    return {"rule_author": "/rules", "marketing": "/voc"}.get(role, "/queue")


@dataclass(frozen=True)
class Actor:
    """Who is acting: a username (or system:...) and a role."""

    name: str
    role: str


def require(actor: Actor, permission: str) -> None:
    """Raise Forbidden unless the actor's role grants the permission."""
    if not can(actor.role, permission):
        raise Forbidden(f"role {actor.role} may not {permission}")
