from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "gridgov.mediation"
    verbose_name = _("Dispute mediation")

    def ready(self) -> None:
        """The follow-up visit is a kind of field task, with its result form here."""
        from gridgov.mediation import kinds

        kinds.register_kinds()
