"""Use cases: each owns its transaction, writes the audit log, enqueues side effects."""
