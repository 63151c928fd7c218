"""The KPI page (/kpi), a SKU's orders (/kpi/sku/...) and sales control (/sales-control)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from noki.domain.kpi.definitions import BREAKDOWN_LABELS, BREAKDOWNS, KPIS, OPTION_LABELS
from noki.services.errors import ServiceError
from noki.services.kpi.report import kpi_report
from noki.services.kpi.sku_orders import sku_orders
from noki.services.sales_control import store as sales
from noki.web.deps import Csrf, CtxDep, CurrentUser, need
from noki.web.kpi_charts import chart
from noki.web.render import flash, render

router = APIRouter()
KpiReader = Annotated[CurrentUser, Depends(need("kpi.read"))]
SORTABLE = {k.key for k in KPIS} | {"key"}
RECOMMENDATION_LABELS = {"none": "制御なし",
                         "show_eta_on_product_page": "商品ページに入荷予定を表示",
                         "limit_quantity": "購入数量を制限", "preorder_only": "予約販売のみ",
                         "stop_sales": "販売停止"}
STATUS_LABELS = {"pending": "承認待ち", "approved": "承認済み (反映)", "rejected": "却下",
                 "lifted": "解除済み", "cleared": "取り下げ"}


def _charts(weeks: list[dict[str, Any]]) -> list[str]:
    labels = [w["label"] for w in weeks]

    def s(key: str) -> list[Any]:
        return [w[key] for w in weeks]

    return [
        chart("受注残件数", labels, [("受注残件数", s("open_count"))], unit="件", bars=True),
        chart("受注残金額", labels, [("受注残金額", s("open_value_jpy"))], unit="円", bars=True),
        chart("滞留日数", labels, [("中央値", s("days_waiting_median")),
                                 ("p90", s("days_waiting_p90")),
                                 ("最大", s("days_waiting_max"))], unit="日"),
        chart("再延期率・キャンセル率", labels, [("再延期率", s("redelay_rate")),
                                       ("キャンセル率", s("cancel_rate")),
                                       ("部分出荷率", s("partial_rate"))], unit="%"),
        chart("納期回答遵守率・代替受入率", labels, [("納期回答遵守率", s("on_time_rate")),
                                         ("代替受入率", s("substitute_rate"))], unit="%"),
        chart("補償額", labels, [("補償額", s("compensation_jpy"))], unit="円", bars=True),
    ]


@router.get("/kpi")
def kpi_page(
    request: Request, ctx: CtxDep, user: KpiReader,
    by: Annotated[str, Query(max_length=12)] = "sku",
    sort: Annotated[str, Query(max_length=40)] = "open_count",
    desc: Annotated[int, Query(ge=0, le=1)] = 1,
) -> Response:
    """Headline cards, weekly trends and a sortable table per breakdown."""
    by = by if by in BREAKDOWNS else "sku"
    sort = sort if sort in SORTABLE else "open_count"
    report = kpi_report(ctx, by=by)

    def key(g: dict[str, Any]) -> tuple[bool, Any]:
        value = g[sort]
        return (value is None) != bool(desc), value if value is not None else 0

    groups = sorted(report.groups, key=key, reverse=bool(desc))
    return render(request, "kpi.html", {
        "user": user, "report": report, "current": report.current, "kpis": KPIS, "by": by,
        "breakdowns": BREAKDOWN_LABELS, "groups": groups, "sort": sort, "desc": desc,
        "charts": _charts(report.weeks), "option_labels": OPTION_LABELS})


@router.get("/kpi/sku/{sku_id}")
def sku_page(request: Request, ctx: CtxDep, user: KpiReader, sku_id: str) -> Response:
    """One SKU's orders behind its KPIs (drill-down)."""
    orders = sku_orders(ctx, sku_id[:64])
    control = next((r for r in sales.rows(ctx) if r.sku_id == sku_id), None)
    return render(request, "kpi_sku.html", {
        "user": user, "sku_id": sku_id, "orders": orders, "control": control,
        "rec_labels": RECOMMENDATION_LABELS, "status_labels": STATUS_LABELS})


@router.get("/sales-control")
def sales_page(request: Request, ctx: CtxDep, user: KpiReader) -> Response:
    """Recommendations per SKU; pending ones await a supervisor's approval."""
    return render(request, "sales_control.html", {
        "user": user, "rows": sales.rows(ctx), "rec_labels": RECOMMENDATION_LABELS,
        "status_labels": STATUS_LABELS})


@router.post("/sales-control/evaluate", dependencies=[Csrf])
def sales_evaluate(
    request: Request, ctx: CtxDep,
    user: Annotated[CurrentUser, Depends(need("sales_control.approve"))],
) -> Response:
    """Run the sales-control rules now."""
    report = sales.evaluate(ctx)
    flash(request, f"{len(report.recommendations)} SKU を評価しました。承認待ち "
                   f"{len(report.pending)} 件、解除 {len(report.lifted)} 件。")
    return RedirectResponse("/sales-control", status_code=303)


@router.post("/sales-control/{sku_id}/decide", dependencies=[Csrf])
def sales_decide(
    request: Request, ctx: CtxDep, sku_id: str,
    user: Annotated[CurrentUser, Depends(need("sales_control.approve"))],
    action: Annotated[str, Form(pattern="^(approve|reject)$")],
    version: Annotated[int, Form(ge=1)],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Approve (push to the storefront) or reject one SKU's pending recommendation."""
    try:
        row = sales.decide(ctx, user.actor, sku_id,
                           approve=action == "approve", seen_version=version, note=note)
        flash(request, f"{sku_id}: {STATUS_LABELS[row.status]}にしました。")
    except ServiceError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/sales-control", status_code=303)
