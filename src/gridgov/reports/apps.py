from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gridgov.reports"
    verbose_name = _("Daily reports")

    def ready(self) -> None:
        """The events' sections are this package's own; other domains register theirs from
        their own AppConfig.ready (gridgov.reports.sections.register_section)."""
        from gridgov.reports import event_sections

        event_sections.register()
