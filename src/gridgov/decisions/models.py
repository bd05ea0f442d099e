"""Major decisions (重大决策), their stability risk assessments (稳评) and the follow-up.

A decision belongs to the node whose area it affects; everything under it is scoped through
that node. A third-party assessor's limited account reaches only the assessments assigned to
it and their decisions (`assignee_path`), never a mitigation or another decision.
Consultation participants' phones and ID numbers are sealed like the registry's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core.append_only import AppendOnlyModel
from gridgov.core.scope import ScopedModel
from gridgov.core.transitions import Transition
from gridgov.decisions.workflow import (
    STEP_LABELS,
    AssessmentKind,
    AssessmentStatus,
    Degree,
    Outcome,
    Requirement,
    RiskLevel,
    Status,
)
from gridgov.jurisdiction.models import Node


class DecisionCategory(models.Model):
    """A kind of decision and the rule it carries, as data: the assessment it requires before
    it may go ahead, and whether that assessment needs an expert review."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    required_assessment = models.CharField(
        _("required assessment"), max_length=16, choices=Requirement.choices
    )
    expert_review_required = models.BooleanField(_("expert review required"), default=False)

    class Meta:
        verbose_name = _("decision category")
        verbose_name_plural = _("decision categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Decision(ScopedModel):
    scope_paths = ("node__code",)
    assignee_path = "assessments__assessor_id"

    title = models.CharField(_("title"), max_length=128)
    category = models.ForeignKey(
        DecisionCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    decided_by = models.CharField(
        _("deciding body"), max_length=128, help_text=_("Who takes the decision.")
    )
    node = models.ForeignKey(
        Node,
        verbose_name=_("area affected"),
        help_text=_("The area the decision affects; it decides who sees it."),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_description = models.CharField(_("area affected, in words"), max_length=200, blank=True)
    people_affected = models.PositiveIntegerField(_("people affected"))
    planned_on = models.DateField(_("planned date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("reasons for the outcome"), blank=True)
    review_note = models.TextField(_("post-implementation review"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"))
    assessing_at = models.DateTimeField(_("assessment commissioned at"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    implementing_at = models.DateTimeField(_("implementation started at"), null=True, blank=True)
    postponed_at = models.DateTimeField(_("postponed at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("major decision")
        verbose_name_plural = _("major decisions")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=Status.CLOSED) | ~models.Q(outcome=""),
                name="decision_closed_with_outcome",
            ),
        ]
        indexes = [models.Index(fields=["status", "outcome"], name="decision_status_outcome")]

    def __str__(self) -> str:
        return self.title


class Assessment(ScopedModel):
    scope_paths = ("decision__node__code",)
    assignee_path = "assessor_id"

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="assessments"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AssessmentKind.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("third-party assessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_assessments",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.ASSIGNED,
    )
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    risk_reasons = models.TextField(_("reasons for the risk level"), blank=True)
    note = models.TextField(_("note"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commissioned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("commissioned at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("stability risk assessment")
        verbose_name_plural = _("stability risk assessments")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=AssessmentKind.THIRD_PARTY, assessor__isnull=False)
                    | models.Q(kind=AssessmentKind.SELF, assessor__isnull=True)
                ),
                name="assessment_assessor_only_third_party",
            ),
            models.UniqueConstraint(
                fields=["decision"],
                condition=~models.Q(
                    status__in=[AssessmentStatus.COMPLETED, AssessmentStatus.WITHDRAWN]
                ),
                name="assessment_one_open_per_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} · {self.get_kind_display()}"


class ConsultationMethod(models.TextChoices):
    PUBLIC_NOTICE = "public_notice", _("public notice")
    HEARING = "hearing", _("public hearing")
    SYMPOSIUM = "symposium", _("symposium")
    QUESTIONNAIRE = "questionnaire", _("questionnaire")
    VISIT = "visit", _("door-to-door visits")
    ONLINE = "online", _("online consultation")


class Consultation(ScopedModel):
    """One round of public consultation and what it heard."""

    scope_paths = ("assessment__decision__node__code",)
    assignee_path = "assessment__assessor_id"

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="consultations",
    )
    method = models.CharField(_("method"), max_length=16, choices=ConsultationMethod.choices)
    held_on = models.DateField(_("held on"))
    participants = models.PositiveIntegerField(_("participants"))
    in_favour = models.PositiveIntegerField(_("in favour"))
    against = models.PositiveIntegerField(_("against"))
    main_concerns = models.TextField(_("main concerns"), blank=True)

    class Meta:
        verbose_name = _("public consultation")
        verbose_name_plural = _("public consultations")
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participants__gte=models.F("in_favour") + models.F("against")),
                name="consultation_opinions_within_participants",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.held_on}"


class Opinion(models.TextChoices):
    FOR = "for", _("for")
    AGAINST = "against", _("against")
    NEUTRAL = "neutral", _("neutral")


class Participant(ScopedModel):
    """A consultation participant on record; phone and ID number sealed, shown masked."""

    scope_paths = ("consultation__assessment__decision__node__code",)
    assignee_path = "consultation__assessment__assessor_id"

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="people",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    phone_encrypted = models.CharField(max_length=128, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    id_number_encrypted = models.CharField(max_length=128, blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=20, blank=True)
    opinion = models.CharField(_("opinion"), max_length=8, choices=Opinion.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("consultation participant")
        verbose_name_plural = _("consultation participants")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RiskPoint(ScopedModel):
    scope_paths = ("assessment__decision__node__code",)
    assignee_path = "assessment__assessor_id"

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="risk_points",
    )
    title = models.CharField(_("risk point"), max_length=128)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=Degree.choices)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Degree.choices)

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Vote(models.TextChoices):
    FOR = "for", _("for")
    AGAINST = "against", _("against")
    ABSTAIN = "abstain", _("abstain")


class ExpertOpinion(ScopedModel):
    """One expert's opinion and vote in the assessment's expert review."""

    scope_paths = ("assessment__decision__node__code",)
    assignee_path = "assessment__assessor_id"

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="expert_opinions",
    )
    expert = models.CharField(_("expert"), max_length=64)
    affiliation = models.CharField(_("affiliation"), max_length=128, blank=True)
    opinion = models.TextField(_("opinion"))
    vote = models.CharField(_("vote"), max_length=8, choices=Vote.choices)
    given_on = models.DateField(_("given on"))

    class Meta:
        verbose_name = _("expert opinion")
        verbose_name_plural = _("expert opinions")
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return self.expert


class Mitigation(ScopedModel):
    """A measure against one risk point, its owner and deadline, followed until done. The
    sweep stamps `overdue_at` once, by a conditional update, and tells the registrant."""

    scope_paths = ("risk_point__assessment__decision__node__code",)

    risk_point = models.ForeignKey(
        RiskPoint,
        verbose_name=_("risk point"),
        on_delete=models.CASCADE,
        related_name="mitigations",
    )
    measure = models.TextField(_("measure"))
    owner = models.CharField(_("owner"), max_length=128)
    due_at = models.DateTimeField(_("deadline"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.TextField(_("result"), blank=True)
    overdue_at = models.DateTimeField(_("found overdue at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("mitigation measure")
        verbose_name_plural = _("mitigation measures")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["done_at", "due_at"], name="mitigation_open_due")]

    def __str__(self) -> str:
        return self.measure[:40]


class DecisionLog(Transition, AppendOnlyModel):
    """One step of a decision or of its assessment; rows are never updated or deleted."""

    subject_field = "decision"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="log")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    command = models.CharField(_("step"), max_length=24)
    from_status = models.CharField(_("from"), max_length=16)

    class Meta(Transition.Meta):
        verbose_name = _("decision log entry")
        verbose_name_plural = _("decision log")

    @property
    def label(self) -> str:
        return str(STEP_LABELS.get(self.command, self.command))
