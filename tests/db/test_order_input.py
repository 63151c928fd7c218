"""ERP/OMS exports: CSV and JSONL rows, line-numbered errors, valid rows kept, CLI ingest."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import Engine, func
from sqlmodel import Session, select
from typer.testing import CliRunner

from noki.cli.main import app
from noki.db.models import OrderRow
from noki.io.jsonl import LineError, Parsed
from noki.sample.orders import sample_orders
from noki.services.order_input import CSV_COLUMNS, decode, parse_orders


def to_csv(docs: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS))
    writer.writeheader()
    for d in docs:
        c = d["customer"]
        contract = c.get("contract") or {}
        writer.writerow(
            {
                "order_id": d["order_id"],
                "industry": d["industry"],
                "channel": d["channel"],
                "as_of": d["as_of"],
                "ordered_at": d["ordered_at"],
                "promised_date": d["promised_date"],
                "eta_earliest": d["eta"]["earliest"],
                "eta_latest": d["eta"]["latest"],
                "eta_confidence": d["eta"]["confidence"],
                **{f"previous_eta_{k}": (d.get("previous_eta") or {}).get(k, "")
                   for k in ("earliest", "latest", "confidence")},
                "reschedule_count": d["reschedule_count"],
                "delay_reason": d["delay_reason"],
                "need_by": d["need_by"] or "",
                "purpose": d["purpose"] or "",
                "quantity": d["quantity"],
                "unit_price_jpy": d["unit_price_jpy"],
                "partial_available": d["partial_available"],
                "partial_allowed": d["partial_allowed"],
                "sku_id": d["sku"]["sku_id"],
                "sku_name": d["sku"]["name"],
                "sku_category": d["sku"]["category"],
                "sku_substitutes": "|".join(d["sku"]["substitutes"]),
                "customer_id": c["customer_id"],
                "customer_name": c["name"],
                "customer_rank": c["rank"],
                "customer_ltv_jpy": c["ltv_jpy"],
                "customer_orders_count": c["orders_count"],
                "customer_fleet": c["fleet"],
                "contract_tier": contract.get("tier", ""),
                "contract_sla_days": contract.get("sla_days") or "",
                "contract_penalty_rate_per_day": contract.get("penalty_rate_per_day", ""),
                "contract_penalty_cap_rate": contract.get("penalty_cap_rate", ""),
                "contact_email": c["contact"]["email"] or "",
                "contact_phone": c["contact"]["phone"] or "",
                "contact_preferred_channel": c["contact"]["preferred_channel"],
                "po_ref": "PO-9",
            }
        )
    return out.getvalue()


def test_csv_rows_match_the_json_documents() -> None:
    docs = list(sample_orders(30, seed=5))
    parsed = parse_orders(to_csv(docs))
    assert all(isinstance(p, Parsed) for p in parsed)
    for doc, p in zip(docs, parsed, strict=True):
        assert p.value.order() == parse_orders(json.dumps(doc))[0].value.order()
        assert p.value.po_ref == "PO-9"


def test_csv_errors_name_line_and_column_and_keep_good_rows() -> None:
    docs = list(sample_orders(4, seed=5))
    text = to_csv(docs).splitlines()
    text[2] = text[2].replace(docs[1]["eta"]["latest"], "2020-01-01")  # line 3: latest < earliest
    text[3] = text[3].replace(f",{docs[2]['delay_reason']},", ",typhoon,")
    parsed = parse_orders("\n".join(text) + "\n")
    errors = [p for p in parsed if isinstance(p, LineError)]
    good = [p for p in parsed if isinstance(p, Parsed)]
    assert {(e.line, e.field) for e in errors} == {(3, "eta"), (4, "delay_reason")}
    assert [p.line for p in good] == [2, 5]


def test_unknown_csv_column_is_reported() -> None:
    [err] = parse_orders("order_id,colour\nX,red\n", csv_format=True)
    assert isinstance(err, LineError) and (err.line, err.field) == (1, "colour")


def test_shift_jis_export_is_decoded() -> None:
    assert decode("顧客名,山田".encode("cp932")) == "顧客名,山田"
    assert decode("\ufeff山田".encode()) == "山田"


def test_cli_ingest_reports_bad_lines_and_keeps_good_ones(
    database_url: str, engine: Engine, tmp_path, monkeypatch
) -> None:
    docs = [json.dumps(d, ensure_ascii=False) for d in sample_orders(5, seed=8)]
    docs[2] = docs[2].replace('"quantity": ', '"quantity": -')
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(docs) + "\n", encoding="utf-8")
    monkeypatch.setenv("NOKI_DATABASE_URL", database_url)
    monkeypatch.setenv("NOKI_OUTBOX_DIR", str(tmp_path / "outbox"))
    result = CliRunner().invoke(app, ["ingest", "orders", str(path)])
    assert result.exit_code == 1
    assert "line 3: quantity:" in result.output
    assert "created 4" in result.output
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(OrderRow)).one() == 4
