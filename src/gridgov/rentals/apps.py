from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RentalsConfig(AppConfig):
    name = "gridgov.rentals"
    verbose_name = _("Overcrowded-rental warning")

    def ready(self) -> None:
        """The verification of a suspected case is a field task whose result form is the
        case's page (reached from the task list through the task's id)."""
        from gridgov.fieldwork.kinds import register_task_kind

        register_task_kind(TASK_KIND, _("rental check"), "rentals:task")


TASK_KIND = "rental_check"
