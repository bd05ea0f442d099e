from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "gridgov.command"
    verbose_name = _("Linked command")

    def ready(self) -> None:
        # The notice kinds register on import, so the preferences page lists them.
        from gridgov.command import notices  # noqa: F401
