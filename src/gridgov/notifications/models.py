"""What reached whom: a notice, its inbox rows, and its deliveries over each channel.

A notice is one thing that happened (an event dispatched to a department, a summons); its
`key` is unique, so a hook or a periodic job that runs twice writes it once. Each recipient's
inbox row is the in-app channel, written in the same transaction as the change, so it is
there the moment that change commits. Every other channel is a delivery row with its own
idempotency key (notice × channel × target), sent by a task: a task run twice, or a worker
killed mid-way, finds the row already sent and sends nothing again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The kinds this platform sends today; a later domain adds its own with kind_register."""

    DISPATCHED = "dispatched", _("dispatched to me")
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")
    RETURNED = "returned", _("returned")
    SUMMONED = "summoned", _("summoned")
    VERIFICATION = "verification", _("verification task")
    BROADCAST = "broadcast", _("broadcast")
    STATUS = "status", _("status of my report")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("in the app")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message")
    CHAT = "chat", _("WeCom / DingTalk")
    WEBHOOK = "webhook", _("outbound webhook")


# The channels a user chooses per kind; the in-app inbox is always on.
USER_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.CHAT)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("skipped: no address or no adapter")


class Notice(models.Model):
    kind = models.CharField(_("kind"), max_length=48, db_index=True)
    key = models.CharField(
        _("key"),
        max_length=200,
        unique=True,
        help_text=_("What the notice is about, once: the same key is never sent twice."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class InboxItem(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="inbox")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "recipient"], name="inbox_once"),
        ]
        indexes = [
            # The header's unread count: one user's rows without a read stamp.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="inbox_unread",
            ),
            models.Index(fields=["recipient", "-id"], name="inbox_recipient_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.notice_id}"


class Delivery(models.Model):
    """One send over one channel to one target; `key` is what an adapter passes on."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    endpoint = models.ForeignKey(
        "WebhookEndpoint", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sealed_address = models.TextField(
        _("sealed address"),
        blank=True,
        help_text=_("A resident's phone, encrypted; read only by the sending task."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.key


class Preference(models.Model):
    """A user's choice for one kind on one channel; without a row the channel's default holds."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=48)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}"


class WebhookEndpoint(models.Model):
    """Another system that takes notices of some kinds, signed with its own secret."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(_("URL"))
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        help_text=_("Shared with the receiver, which checks the X-GridGov-Signature header."),
    )
    kinds = models.JSONField(
        _("kinds"), default=list, blank=True, help_text=_("The kinds sent; empty sends none.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("outbound webhook")
        verbose_name_plural = _("outbound webhooks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Follower(models.Model):
    """A resident's phone that follows one thing (a report), sealed; told of its steps."""

    topic = models.CharField(_("topic"), max_length=100, db_index=True)
    sealed_phone = models.TextField(_("sealed phone"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")

    def __str__(self) -> str:
        return self.topic
