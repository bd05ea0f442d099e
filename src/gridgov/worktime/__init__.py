"""Working time on the official Chinese holiday calendar, kept as data."""
