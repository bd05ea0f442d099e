from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "gridgov.insight"
    verbose_name = _("Analysis and early warning")

    def ready(self) -> None:
        # The notice kind registers itself where notices are sent from.
        # Mediation's and decisions' measures, registered here as those packages sit below.
        from gridgov.insight import (
            notices,  # noqa: F401
            stability_measures,  # noqa: F401
        )
