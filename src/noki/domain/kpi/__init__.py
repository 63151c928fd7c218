"""Backorder KPIs (issue 16): definitions, the per-order projection, weeks (pure, no I/O)."""
