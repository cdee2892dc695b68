"""Transactional emails: one logged, idempotent send per (kind, business key, recipient)."""
