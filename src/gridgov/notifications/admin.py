"""Outbound webhooks, for the system administrator. Inboxes are personal and have no admin."""

from django.contrib import admin

from gridgov.notifications.models import WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    list_display = ["name", "url", "active"]
    list_filter = ["active"]
