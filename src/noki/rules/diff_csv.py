"""A rule diff as CSV (one row per kind of change, then the yen per compensation type)."""

from __future__ import annotations

import csv
import io

from noki.rules.diff import FIELDS, RuleDiff


def diff_csv(diff: RuleDiff) -> str:
    """Counts per field, each kind of change with an example order, and money per type."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "count", "example_order", "jpy_before", "jpy_after"])
    writer.writerow(["orders", f"{diff.base_version} -> {diff.head_version}", diff.orders, "",
                     "", ""])
    for name in FIELDS:
        writer.writerow(["field", name, diff.per_field.get(name, 0), "", "", ""])
    for kind, count in diff.kinds.most_common():
        examples = diff.examples.get(kind, [])
        writer.writerow(["change", kind, count, examples[0].order_id if examples else "", "",
                         ""])
    for kind in sorted(set(diff.yen_before) | set(diff.yen_after)):
        writer.writerow(["compensation_jpy", kind, "", "", diff.yen_before.get(kind, 0),
                         diff.yen_after.get(kind, 0)])
    for error in diff.errors:
        writer.writerow(["error", error, "", "", "", ""])
    return out.getvalue()
