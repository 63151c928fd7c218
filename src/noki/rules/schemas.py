"""The kinds of rule sets noki loads: a file says `ruleset: sales_control` to be a SKU rule set."""

from __future__ import annotations

from noki.rules.sales_vocabulary import SALES_CONTROL_SCHEMA
from noki.rules.vocabulary import ORDER_SCHEMA, RuleSchema

SCHEMAS: dict[str, RuleSchema] = {"orders": ORDER_SCHEMA, "sales_control": SALES_CONTROL_SCHEMA}
