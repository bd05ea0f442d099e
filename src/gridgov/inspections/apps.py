from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "gridgov.inspections"
    verbose_name = _("Inspections of small venues and rentals")
