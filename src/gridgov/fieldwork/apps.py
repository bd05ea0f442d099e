from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "gridgov.fieldwork"
    verbose_name = _("Field work")

    def ready(self) -> None:
        """The kinds of task this package owns are registered like any other domain's."""
        from gridgov.fieldwork import kinds

        kinds.register_own_kinds()
