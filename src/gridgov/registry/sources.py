"""Where a record's values may come from besides an import and a check on the ground.

The registry names them because a record's `source` shows them
(selectors.source_text); verification, above it, files its tasks by them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    DEPARTMENT_FILE = "department_file", _("department file")
    API_PUSH = "api_push", _("API push")
    SELF_DECLARATION = "self_declaration", _("self-declaration")
    STALE = "stale", _("not verified for too long")
