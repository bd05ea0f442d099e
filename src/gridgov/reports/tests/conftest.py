"""The events loop's fixtures, shared rather than copied."""

from gridgov.testing import loop

catalogue = loop.catalogue
brigade = loop.brigade
loop_users = loop.loop_users
report = loop.report
walk = loop.walk
media = loop.media
