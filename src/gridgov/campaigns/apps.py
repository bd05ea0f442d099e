from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _result_url(task_id: int) -> str:
    return reverse("campaigns:task", args=[task_id])


class CampaignsConfig(AppConfig):
    name = "gridgov.campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        """A campaign target is a field task of this kind; its result is the campaign's form."""
        from gridgov.campaigns.actions import TASK_KIND
        from gridgov.fieldwork.kinds import register_task_kind

        register_task_kind(TASK_KIND, _("campaign"), _result_url)
