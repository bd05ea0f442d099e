"""The event loop's fixtures, to put work on each role's desk."""

from gridgov.events.tests.conftest import (  # noqa: F401
    brigade,
    catalogue,
    loop_users,
    media,
    report,
    walk,
)
