from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "gridgov.tasks"
    verbose_name = _("Background tasks")

    def ready(self) -> None:
        """Every app's tasks module is imported now, in web processes too: Celery's lazy
        discovery runs only when a worker starts, and a web process must know a task's
        name to queue it."""
        from gridgov.tasks.engine import app

        app.autodiscover_tasks(force=True)
