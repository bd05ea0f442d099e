"""Whistle-and-report (吹哨报到): a subdistrict summons departments to an event."""
