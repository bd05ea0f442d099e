from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "gridgov.assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        """Mediation's scorecard sources, registered here as mediation sits below."""
        from gridgov.assessment import mediation_sources  # noqa: F401
