from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    # Two configs live here (axes' below); Django picks this one for "gridgov.accounts".
    default = True
    name = "gridgov.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from gridgov.accounts import checks  # noqa: F401  (registers the system checks)


class LoginProtectionConfig(AxesAppConfig):  # type: ignore[misc]  # axes has no types
    """django-axes under a name the admin can show in Chinese: it has no verbose name and
    no Chinese catalogue, so its section read "AXES"."""

    verbose_name = _("Login protection")
