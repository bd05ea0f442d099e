from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RentalsConfig(AppConfig):
    name = "gridgov.rentals"
    verbose_name = _("Overcrowded-rental warning")
