"""Demo data for `make run`: one account per role and the sample orders processed."""

from __future__ import annotations

import json
from dataclasses import dataclass

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


def sample_records(n: int, seed: int = 1) -> list[OrderIn]:
    """n sample orders as ingest records."""
    text = "\n".join(json.dumps(d, ensure_ascii=False) for d in sample_orders(n, seed=seed))
    return [p.value for p in parse_orders(text) if isinstance(p, Parsed)]


def seed_demo(
    ctx: AppContext, n_orders: int = 300, seed: int = 1
) -> tuple[list[DemoAccount], IngestReport]:
    """Create demo users (password = username + '-demo'), ingest sample orders."""
    engine = ctx.engine
    accounts = []
    for username, role, display in DEMO_USERS:
        password = f"{username}-demo"
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
        ctx, sample_records(n_orders, seed), actor="demo", auto_send=ctx.settings.auto_send
    )
    return accounts, report
