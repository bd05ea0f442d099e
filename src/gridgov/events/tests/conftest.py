from gridgov.testing.loop import brigade, catalogue, loop_users, media, report, walk

__all__ = ["brigade", "catalogue", "loop_users", "media", "report", "walk"]
