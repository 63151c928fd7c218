"""The facts a sales-control table reads about one SKU, and what it decides (issue 16).

The facts are the SKU's KPIs over a rolling window (noki.services.sales_control.facts);
the recommendation's values and labels are declared in the rule file's vocabulary.
"""

from __future__ import annotations

from noki.rules.vocabulary import FactType, RuleSchema

RECOMMENDATIONS = ("none", "show_eta_on_product_page", "limit_quantity", "preorder_only",
                   "stop_sales")

SKU_FACTS: dict[str, FactType] = {
    "sku_id": FactType("string"),
    "as_of": FactType("date"),
    "open_backorders": FactType("int"),  # open at as_of
    "open_value_jpy": FactType("int"),
    "new_backorders_14d": FactType("int"),  # ordered within the last 14 days
    "eta_slips_14d": FactType("int"),  # ETA moved later within the last 14 days (all orders)
    "redelay_rate": FactType("number"),  # % of the window's orders whose ETA slipped; 0 if none
    "cancel_rate": FactType("number"),  # % of the window's closed orders cancelled; 0 if none
    "closed_28d": FactType("int"),  # the orders that rate counts (a rate of 1 order is noise)
    "days_waiting_p90": FactType("number"),  # of the open backorders; 0 when none
    "days_waiting_max": FactType("int"),
    "eta_confidence": FactType("enum", ("high", "medium", "low", "none")),  # lowest open one
}

SKU_OUTPUTS: dict[str, FactType] = {"recommendation": FactType("enum", RECOMMENDATIONS)}

SALES_CONTROL_SCHEMA = RuleSchema("sales_control", SKU_FACTS, SKU_OUTPUTS, ("recommendation",),
                                  subject="SKU")
