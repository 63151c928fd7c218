"""Demo data for `make run`: one account per role and the sample orders processed."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date

from noki.app import AppContext
from noki.io.jsonl import Parsed
from noki.sample.orders import sample_orders
from noki.services import users
from noki.services.order_input import OrderIn, parse_orders
from noki.services.orders import IngestReport, ingest

DEMO_USERS = (
    ("agent", "agent", "エージェント 青木"),
    ("supervisor", "supervisor", "スーパーバイザー 佐藤"),
    ("author", "rule_author", "ルール担当 鈴木"),
    ("marketing", "marketing", "マーケティング 高橋"),
    ("admin", "admin", "管理者 田中"),
)


@dataclass
class DemoAccount:
    """A demo login to print."""

    username: str
    password: str
    role: str


def sample_records(n: int, seed: int = 1, as_of: date | None = None) -> list[OrderIn]:
    """n sample orders as ingest records (written on as_of; the sample's own day by default)."""
    docs = sample_orders(n, seed=seed) if as_of is None else sample_orders(n, seed, as_of)
    text = "\n".join(json.dumps(d, ensure_ascii=False) for d in docs)
    return [p.value for p in parse_orders(text) if isinstance(p, Parsed)]


def seed_demo(
    ctx: AppContext, n_orders: int = 300, seed: int = 1
) -> tuple[list[DemoAccount], IngestReport]:
    """Create demo users (fresh random passwords, printed), ingest sample orders."""
    engine = ctx.engine
    accounts = []
    for username, role, display in DEMO_USERS:
        # A guessable demo password would be a real hole on any reachable console.
        password = f"{username}-{secrets.token_urlsafe(6)}"
        users.create_user(
            engine,
            username=username,
            password=password,
            role=role,
            display_name=display,
            actor="demo",
            exist_ok=True,
        )
        accounts.append(DemoAccount(username, password, role))
    report = ingest(
        # Written today, so the demo's ETAs and next-contact dates are true on the day it runs.
        ctx, sample_records(n_orders, seed, as_of=ctx.clock.today()), actor="demo",
        auto_send=ctx.settings.auto_send,
    )
    return accounts, report
