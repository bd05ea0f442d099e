from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "gridgov.command"
    verbose_name = _("Linked command")

    def ready(self) -> None:
        # The notice kinds register on import, so the preferences page lists them.
        from django.urls import reverse

        from gridgov.command import notices  # noqa: F401
        from gridgov.command.actions.assign import TASK_KIND
        from gridgov.command.selectors import on_duty_at_unit
        from gridgov.events.duty import register_on_duty
        from gridgov.fieldwork.kinds import register_task_kind

        # Out of office hours an event goes to whoever the rosters have on duty.
        register_on_duty("command", on_duty_at_unit)

        register_task_kind(
            TASK_KIND,
            _("sent to an event by the command centre"),
            lambda task_id: reverse("command:assignment", args=[task_id]),
            working_minutes=60,
        )
