"""Command centres, their members, instructions and their receipts, emergency plans and their
activations, and duty shifts (联动指挥, SPEC C5).

A centre is data: one per level that has one (city, district, subdistrict) and one per
department sub-centre, each with an area (its node; a department's centre the department's
node). An instruction fans out to one receipt per addressed account; the receipt's
(instruction, recipient) pair is unique and its `delivered_at` is stamped in the same
transaction as the inbox row, so a fan-out run twice delivers once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node


class CentreKind(models.TextChoices):
    LEVEL = "level", _("level centre")
    DEPARTMENT = "department", _("department sub-centre")


class MemberRole(models.TextChoices):
    COMMANDER = "commander", _("commander")
    DUTY_OFFICER = "duty_officer", _("duty officer")
    MEMBER = "member", _("member")


class CommandCentre(ScopedModel):
    scope_paths = ("node__code",)

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=CentreKind.choices)
    node = models.ForeignKey(
        Node,
        verbose_name=_("area"),
        help_text=_("The area the centre commands; a department's centre, its department's."),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("centre above"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("command centre")
        verbose_name_plural = _("command centres")
        ordering = ["node__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["node"],
                condition=models.Q(kind="level"),
                name="command_one_level_centre_per_node",
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=models.Q(kind="department"),
                name="command_one_centre_per_department",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CentreMember(ScopedModel):
    scope_paths = ("centre__node__code",)

    centre = models.ForeignKey(
        CommandCentre, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)

    class Meta:
        verbose_name = _("centre member")
        verbose_name_plural = _("centre members")
        ordering = ["centre", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "user"], name="command_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.user}"


class Priority(models.TextChoices):
    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")


class PlanKind(models.TextChoices):
    FLOOD = "flood", _("flood / typhoon")
    FIRE = "fire", _("fire")
    PUBLIC_HEALTH = "public_health", _("public health")
    MASS_INCIDENT = "mass_incident", _("mass incident")
    LARGE_EVENT = "large_event", _("large event")


class ResponseLevel(models.TextChoices):
    """Emergency response levels, I the gravest."""

    I = "I", _("level I (particularly grave)")  # noqa: E741
    II = "II", _("level II (grave)")
    III = "III", _("level III (serious)")
    IV = "IV", _("level IV (ordinary)")


class EmergencyPlan(ScopedModel):
    """A plan as data: per response level the units it activates and the pre-written
    instructions; a checklist; how long an activation lasts and its short time limit.

    `levels` is `{"I": {"units": [centre ids], "instructions": [{"title": …, "body": …}]}, …}`."""

    scope_paths = ("centre__node__code",)

    centre = models.ForeignKey(
        CommandCentre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PlanKind.choices)
    levels = models.JSONField(_("levels"), default=dict, blank=True)
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    duration_hours = models.PositiveIntegerField(_("duration (hours)"), default=24)
    order_limit_minutes = models.PositiveIntegerField(
        _("time limit of an order (minutes)"), default=30
    )

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["centre", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class Activation(ScopedModel):
    """A plan switched on for an area and level: the centre is a headquarters until
    `ended_at`. Its reach over the area ends with it (selectors.hq_reach)."""

    scope_paths = ("centre__node__code",)

    plan = models.ForeignKey(
        EmergencyPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    centre = models.ForeignKey(
        CommandCentre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        Node, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=4, choices=ResponseLevel.choices)
    reason = models.TextField(_("reason"))
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("activated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    activated_at = models.DateTimeField(_("activated at"))
    ends_at = models.DateTimeField(_("planned end"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_note = models.TextField(_("closing note"), blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("plan activation")
        verbose_name_plural = _("plan activations")
        ordering = ["-activated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre"],
                condition=models.Q(ended_at__isnull=True),
                name="command_one_active_activation_per_centre",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.level}"


class Instruction(ScopedModel):
    """An instruction (指令/通知) of a centre; an order (调度指令) when it came from a
    headquarters under an activation. `targets` keeps what the sender chose:
    `{"centres": [ids], "grids": [codes], "users": [ids], "area": code}`."""

    scope_paths = ("centre__node__code",)

    centre = models.ForeignKey(
        CommandCentre,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    activation = models.ForeignKey(
        Activation,
        verbose_name=_("activation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    targets = models.JSONField(_("addressees"), default=dict)
    due_at = models.DateTimeField(_("to be done by"))
    ack_due_at = models.DateTimeField(_("to be acknowledged by"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"))
    fanned_out_at = models.DateTimeField(_("delivered to all at"), null=True, blank=True)
    escalated_at = models.DateTimeField(
        _("escalated at"),
        null=True,
        blank=True,
        help_text=_("When the unacknowledged urgent instruction went to the centre above."),
    )

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(
                fields=["ack_due_at"],
                condition=models.Q(priority="urgent", escalated_at__isnull=True),
                name="command_urgent_unescalated",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReceiptStatus(models.TextChoices):
    PENDING = "pending", _("not acknowledged")
    ACKNOWLEDGED = "acknowledged", _("received")
    DONE = "done", _("carried out")


class Receipt(ScopedModel):
    """One addressee of one instruction; read by the centre, and by the addressee."""

    scope_paths = ("instruction__centre__node__code", "recipient__node__code")

    instruction = models.ForeignKey(
        Instruction,
        verbose_name=_("instruction"),
        on_delete=models.CASCADE,
        related_name="receipts",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("addressee"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.CharField(
        _("unit"), max_length=100, blank=True, help_text=_("The unit the addressee was sent as.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReceiptStatus.choices, default=ReceiptStatus.PENDING
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    pending_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    done_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    note = models.TextField(_("report"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="command/%Y/%m/", blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=0)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["instruction", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instruction", "recipient"], name="command_receipt_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["instruction"],
                condition=models.Q(delivered_at__isnull=True),
                name="command_receipt_undelivered",
            ),
            models.Index(fields=["recipient", "status"], name="command_receipt_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.instruction_id} {self.recipient_id}"


class ShiftKind(models.TextChoices):
    DAY = "day", _("day shift")
    NIGHT = "night", _("night shift")
    HOLIDAY = "holiday", _("holiday shift")


class Shift(ScopedModel):
    """Someone on duty for a unit (a centre, or a grid) from start to end."""

    scope_paths = ("node__code",)

    node = models.ForeignKey(
        Node,
        verbose_name=_("unit area"),
        help_text=_("The centre's area, or the grid."),
        on_delete=models.PROTECT,
        related_name="+",
    )
    centre = models.ForeignKey(
        CommandCentre,
        verbose_name=_("centre"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shifts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on duty"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ShiftKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["user", "starts_at", "ends_at"], name="command_shift_user")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="command_shift_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%Y-%m-%d} {self.kind}"


class SwapStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class ShiftSwap(ScopedModel):
    scope_paths = ("shift__node__code",)

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="swaps"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SwapStatus.choices, default=SwapStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.shift} → {self.to_user}"
