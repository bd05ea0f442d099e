from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JurisdictionConfig(AppConfig):
    name = "gridgov.jurisdiction"
    verbose_name = _("Jurisdiction")
