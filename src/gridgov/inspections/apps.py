from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "gridgov.inspections"
    verbose_name = _("Inspections of small venues and rentals")

    def ready(self) -> None:
        """An inspection and a re-inspection are kinds of the grid worker's one task list; the
        list links to this package's result form."""
        from gridgov.inspections.actions import fieldtasks

        fieldtasks.register_kinds()
