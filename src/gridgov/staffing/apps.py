from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "gridgov.staffing"
    verbose_name = _("Grid staff")
