"""Grid staff (leaders, workers, legal-affairs workers, helpers) and grid work groups."""
