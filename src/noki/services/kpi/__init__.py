"""KPI use cases: keep the per-order projection fresh, aggregate it in SQL, report."""
