from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "gridgov.exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        """Each domain describes its exportable lists in its own `exports` module, as it
        describes its admin in `admin`: this package imports none of them by name."""
        autodiscover_modules("exports")
