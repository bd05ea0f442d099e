"""The Nanjing extract the demo city is built from; see README.md for its sources."""
