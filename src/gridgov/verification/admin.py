from django.contrib import admin
from django.db.models import QuerySet

from gridgov.accounts.models import User
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.verification.models import VerificationTask
from gridgov.verification.selectors import tasks_visible


@admin.register(VerificationTask)
class VerificationTaskAdmin(ScopedAdmin[VerificationTask]):
    """Read-only: tasks change only through their decision, which writes the registry."""

    list_display = ["id", "record_kind", "record_id", "grid", "source", "status", "created_at"]
    list_filter = ["status", "source", "record_kind"]
    search_fields = ["grid__code"]
    exclude = ["sealed", "fingerprint"]

    def visible(self, user: User) -> QuerySet[VerificationTask]:
        return tasks_visible(user)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
