from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "gridgov.tasks"
    verbose_name = _("Background tasks")

    def ready(self) -> None:
        # The Celery app must exist before any task module binds its tasks to it.
        from gridgov.tasks import engine  # noqa: F401
