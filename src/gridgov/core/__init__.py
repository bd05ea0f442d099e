"""Pieces every domain package shares: errors, geometry, API plumbing."""
