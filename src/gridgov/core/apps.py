from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gridgov.core"

    def ready(self) -> None:
        from gridgov.core import admin_scope  # noqa: F401  (registers the admin scope check)
