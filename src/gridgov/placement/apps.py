from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementConfig(AppConfig):
    """No models: the accounts' administration, above the tree and the departments it names."""

    name = "gridgov.placement"
    verbose_name = _("Accounts")
