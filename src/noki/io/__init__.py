"""Reading and writing line-oriented input (JSONL, single JSON) with per-line errors."""
