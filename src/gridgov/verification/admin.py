from django.contrib import admin

from gridgov.verification.models import VerificationTask


@admin.register(VerificationTask)
class VerificationTaskAdmin(admin.ModelAdmin[VerificationTask]):
    """Read-only: tasks change only through their decision, which writes the registry."""

    list_display = ["id", "record_kind", "record_id", "grid", "source", "status", "created_at"]
    list_filter = ["status", "source", "record_kind"]
    search_fields = ["grid__code"]
    exclude = ["sealed", "fingerprint"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
