"""What major decisions tell people, through gridgov.notifications: the organisation assigned
an assessment, the staff who commissioned one when it is submitted, and the registrant of a
decision when a mitigation measure runs past its deadline."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.decisions.models import Assessment, Mitigation
from gridgov.notifications.actions import notice_send
from gridgov.notifications.kinds import kind_register

ASSESSMENT_ASSIGNED = "decision_assessment_assigned"
ASSESSMENT_SUBMITTED = "decision_assessment_submitted"
MITIGATION_OVERDUE = "decision_mitigation_overdue"
kind_register(ASSESSMENT_ASSIGNED, gettext_lazy("stability risk assessment assigned"))
kind_register(ASSESSMENT_SUBMITTED, gettext_lazy("stability risk assessment submitted"))
kind_register(MITIGATION_OVERDUE, gettext_lazy("mitigation measure overdue"))


def _assessment(assessment_id: int) -> Assessment:
    # Called after the commit of an action that read it through the caller's scope.
    return Assessment.objects.unscoped().select_related("decision").get(pk=assessment_id)


def assessment_assigned(assessment_id: int) -> None:
    assessment = _assessment(assessment_id)
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=ASSESSMENT_ASSIGNED,
            key=f"decisions.assessment:{assessment.pk}:assigned",
            title=_("Stability risk assessment assigned: %(title)s")
            % {"title": assessment.decision.title},
            link=reverse("decisions:assessment", args=[assessment.pk]),
            recipients=[assessment.assessor_id] if assessment.assessor_id else [],
        )


def assessment_submitted(assessment_id: int) -> None:
    assessment = _assessment(assessment_id)
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=ASSESSMENT_SUBMITTED,
            key=f"decisions.assessment:{assessment.pk}:submitted:{assessment.version}",
            title=_("Stability risk assessment submitted: %(title)s")
            % {"title": assessment.decision.title},
            link=reverse("decisions:assessment", args=[assessment.pk]),
            recipients=[assessment.assigned_by_id],
        )


def mitigation_overdue(mitigation_id: int) -> None:
    # Called after the sweep's commit; the sweep runs for every jurisdiction.
    mitigation = (
        Mitigation.objects.unscoped()
        .select_related("risk_point__assessment__decision")
        .get(pk=mitigation_id)
    )
    decision = mitigation.risk_point.assessment.decision
    due = timezone.localtime(mitigation.due_at).strftime("%Y-%m-%d")
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=MITIGATION_OVERDUE,
            key=f"decisions.mitigation:{mitigation.pk}:overdue",
            title=_("Mitigation overdue since %(due)s: %(title)s")
            % {"due": due, "title": decision.title},
            body=mitigation.measure,
            link=reverse("decisions:detail", args=[decision.pk]),
            recipients=[decision.registered_by_id],
        )
