"""The review console and JSON API (FastAPI + Jinja2, server-rendered, Japanese UI)."""
