"""Accounts app: roles, the patient link, rate-limited login."""
