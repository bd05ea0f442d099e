"""Campaigns a centre defines without code: a versioned form, a target list, a deadline.

A campaign's form is data (`FormVersion.definition`, checked against `schema.FORM_SCHEMA`);
once an answer exists, a change makes a new version and every answer keeps the version it
was given on. Targets are written by the push task, one row per home, person, venue or
listed line, each in its grid, so counts per grid are indexed counts; the grid worker's
task for each target is a FieldTask of the shared task list.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.jurisdiction.models import Node


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUSHING = "pushing", _("being pushed")
    RUNNING = "running", _("running")
    CLOSED = "closed", _("closed")


class TargetKind(models.TextChoices):
    """What a campaign visits: every home, every person of a kind, every venue of a kind,
    or the lines of an uploaded list, always within the chosen areas."""

    HOMES = "homes", _("all homes")
    PEOPLE = "people", _("all people of a category")
    VENUES = "venues", _("all venues of a kind")
    LIST = "list", _("an uploaded list")


class TargetState(models.TextChoices):
    OPEN = "open", _("not done")
    VISITED = "visited", _("answered on a visit")
    CALLED = "called", _("answered by the call robot")


class Channel(models.TextChoices):
    VISIT = "visit", _("door visit")
    CALL = "call", _("call robot")


class Campaign(ScopedModel):
    """Defined at a centre's node; seen there and above, and in every grid it was pushed to."""

    scope_paths = ("node__code", "grids__grid__code")
    scope_distinct = True

    title = models.CharField(_("title"), max_length=128)
    instructions = models.TextField(_("instructions"), blank=True)
    template = models.CharField(_("template"), max_length=32, blank=True)
    node = models.ForeignKey(
        Node,
        verbose_name=_("centre"),
        help_text=_("The centre that defined the campaign."),
        on_delete=models.PROTECT,
        related_name="+",
    )
    areas = models.ManyToManyField(Node, verbose_name=_("areas"), related_name="+")
    target_kind = models.CharField(_("targets"), max_length=16, choices=TargetKind.choices)
    target_category = models.CharField(
        _("category"),
        max_length=32,
        blank=True,
        help_text=_("The people's category or the venues' kind the targets are chosen by."),
    )
    target_list = models.JSONField(
        _("uploaded list"),
        default=list,
        blank=True,
        help_text=_("The uploaded lines, each an address or a phone number, as given."),
    )
    due_at = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=1, help_text=_("Optimistic lock."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("defined by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("defined at"), auto_now_add=True)
    pushing_at = models.DateTimeField(_("push started at"), null=True, blank=True)
    running_at = models.DateTimeField(_("pushed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The push task's checkpoint: the last source row id written as a target.
    unknown_lines = models.JSONField(
        _("unknown lines"),
        default=list,
        blank=True,
        help_text=_("Lines of the uploaded list that matched no home or person."),
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PushChunk(models.Model):
    """One independent piece of a push: the source rows with ids (or list lines) in
    (after, upto]. Two workers write different chunks at once; `done_at` is set in the
    chunk's own transaction, so a redelivered chunk writes nothing, and the last chunk done
    finishes the push."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="chunks")
    after = models.BigIntegerField()
    upto = models.BigIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "after"], name="campaign_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: ({self.after}, {self.upto}]"


class FormVersion(models.Model):
    """One version of a campaign's form; never changed once an answer names it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("form"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="campaign_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} v{self.number}"


class CampaignGrid(ScopedModel):
    """A grid a campaign was pushed to, with its target count: what makes the campaign
    visible to that grid's workers, and the row of the per-grid count."""

    scope_paths = ("grid__code",)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="grids")
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "grid"], name="campaign_grid_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.grid_id}"


class Target(ScopedModel):
    """One home, person, venue or listed line to visit. `key` is unique in the campaign, so
    a redelivered push chunk writes nothing twice; it is also the FieldTask's source key."""

    scope_paths = ("grid__code",)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=16)
    ref_id = models.BigIntegerField(null=True, blank=True)
    label = models.CharField(
        _("target"), max_length=255, help_text=_("A name or address; personal data masked.")
    )
    # The blind index of a person's phone, for matching the call robot's lines.
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    state = models.CharField(
        _("state"), max_length=16, choices=TargetState.choices, default=TargetState.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        ordering = ["grid_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="campaign_target_key_unique")
        ]
        indexes = [
            models.Index(fields=["campaign", "grid", "state"], name="campaign_target_count"),
        ]

    def __str__(self) -> str:
        return self.label


class Answer(ScopedModel):
    """The answer for one target, on the form version it was given on."""

    scope_paths = ("target__grid__code",)

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="answer")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="answers")
    # Versions go only with their campaign (nothing else deletes one); PROTECT here made
    # Django's collector refuse to delete a campaign with answers.
    form_version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="answers")
    values = models.JSONField(_("answers"), default=dict)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    call_result = models.CharField(_("call result"), max_length=255, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"))
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("campaign answer")
        verbose_name_plural = _("campaign answers")
        ordering = ["-answered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.target_id}"


class CallImport(ScopedModel):
    """One call-robot file imported into a campaign, with every line it could not use."""

    scope_paths = ("campaign__node__code",)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="call_imports")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    reached = models.PositiveIntegerField(_("reached"), default=0)
    unreached = models.PositiveIntegerField(_("not reached"), default=0)
    unknown = models.JSONField(
        _("lines not used"),
        default=list,
        help_text=_("Line number, the line as given (phone masked) and why it was not used."),
    )

    class Meta:
        verbose_name = _("call-robot import")
        verbose_name_plural = _("call-robot imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.imported_at:%Y-%m-%d %H:%M}"


class CampaignLog(models.Model):
    """One step of a campaign's workflow, written by campaign_apply only (a plain table, so
    the demo's reset removes a campaign with its steps)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="log")
    command = models.CharField(_("step"), max_length=16)
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.command}"


class CompletionDaily(models.Model):
    """Campaign completion of one grid at the end of a day (docs/indicators.md): the targets
    pushed to it, those done by then, and of those the ones the call robot reached.
    Rebuilt for a day by the daily job, so a rebuild changes nothing twice."""

    day = models.DateField()
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="+")
    targets = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    called = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "campaign", "grid"], name="campaign_completion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.campaign_id} {self.grid_id}"


class WorkerCompletionDaily(models.Model):
    """The targets of a grid one worker had answered by the end of a day."""

    day = models.DateField()
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    done = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "campaign", "grid", "worker"], name="campaign_worker_daily_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.campaign_id} {self.worker_id}"
