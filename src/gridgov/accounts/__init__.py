"""Accounts, roles and the jurisdiction scope every read and write is checked against."""
