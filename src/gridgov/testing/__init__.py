"""Test helpers shared by every package's tests: a small real-shaped tree and one user per role."""
