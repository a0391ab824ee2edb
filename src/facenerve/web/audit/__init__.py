"""Audit trail: who read or changed which patient data, when and from where (append-only)."""
