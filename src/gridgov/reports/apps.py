from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gridgov.reports"
    verbose_name = _("Daily reports")

    def ready(self) -> None:
        """The events' sections, then the other domains' read through their selectors from
        here (reports stands above them all); a package above reports may still register its
        own from its AppConfig.ready (gridgov.reports.sections.register_section)."""
        from gridgov.reports import area_sections, event_sections

        event_sections.register()
        area_sections.register()
