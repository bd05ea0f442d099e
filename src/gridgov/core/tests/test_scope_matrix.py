"""Every route, called by an account of the neighbouring jurisdiction, reveals nothing.

Targets live in subdistrict 320104001; the callers sit in its sibling
320104002 (or in district 320105 for the roles that only exist at district
level). Routes that name a target answer 404; routes that list "what is
mine" answer 200 without a trace of the target. The meta-test at the end
fails when a route exists that this matrix does not cover, so a new route
cannot ship without its scope being checked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
import shapely
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from gridgov.accounts.actions import api_token_create
from gridgov.accounts.models import User
from gridgov.accounts.roles import ADMIN_APP_ACCESS, Role
from gridgov.addresses.models import Address
from gridgov.addresses.tests.factories import make_target_address
from gridgov.api import api
from gridgov.assessment.models import HandlingScore, IndicatorDaily, UnitKind
from gridgov.audit.models import AuditEntry
from gridgov.campaigns.actions import campaign_define, campaign_push, campaign_push_batch
from gridgov.core.admin_scope import UNSCOPED as ADMIN_UNSCOPED
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.core.scope import scope_enforced
from gridgov.decisions.actions import decision_apply, mitigation_add
from gridgov.decisions.models import Participant
from gridgov.departments.models import Department
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.actions.intake import event_report
from gridgov.events.models import Event
from gridgov.exchange.tests.factories import make_target_import_job
from gridgov.fieldwork.actions import field_task_create
from gridgov.fieldwork.actions.patrols import patrol_start
from gridgov.fieldwork.models import (
    CarePlan,
    CheckIn,
    FieldTask,
    Leave,
    PatrolPlan,
    ServiceEntry,
    Visit,
)
from gridgov.inspections.models import Inspection
from gridgov.jurisdiction import actions as jurisdiction_actions
from gridgov.jurisdiction.models import GridOverlap, LayerKind, LayerUnit, Node
from gridgov.mediation.models import Party
from gridgov.notifications.actions import notice_send
from gridgov.open311.models import ClientApplication
from gridgov.registry.tests.factories import ID_NUMBER, Records, make_records
from gridgov.rentals.actions import case_apply as rental_case_apply
from gridgov.rentals.actions import meter_import
from gridgov.rentals.models import RentalCase
from gridgov.reports.actions import report_generate
from gridgov.staffing.models import (
    GroupRole,
    StaffAssignment,
    StaffKind,
    StaffMember,
    WorkGroup,
    WorkGroupMember,
)
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.command import make_command_targets
from gridgov.testing.decisions import commission, complete, make_assessor
from gridgov.testing.decisions import register as register_decision
from gridgov.testing.images import PNG
from gridgov.testing.insight import make_target_notice
from gridgov.testing.mediation import target_dispute, target_figures, target_follow_up_task
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user
from gridgov.verification.tests.factories import propose_phone
from gridgov.whistle.actions import whistle_blow
from gridgov.whistle.models import Reason as WhistleReason

# The target subtree and the strings that must never reach a sibling.
COMMUNITY = "320104001001"
GRID = "320104001001001"
BEAT = "JG-SCOPE"
SECRET_NAMES = (
    "北街道一社区",
    "目标网格员",
    "目标工作组",
    "目标事件",
    "目标城管局",
    "目标居民1",
    "目标小吃店1",
    "目标决策",
)


@dataclass
class Targets:
    staff_id: int
    group_id: int
    member_id: int
    token_id: int
    user_id: int
    event_number: str
    attachment_id: int
    whistle_id: int
    summons_id: int
    registry: Records
    address: str
    import_job: int
    verification_task: int
    command: dict[str, int]
    decision: DecisionTargets
    campaign_id: int = 0
    campaign_target_id: int = 0
    campaign_task_id: int = 0


@dataclass
class DecisionTargets:
    decision_id: int
    assessment_id: int
    risk_point_id: int
    mitigation_id: int
    participant_id: int


@dataclass(frozen=True)
class Probe:
    """One request by a sibling account and what it must answer."""

    caller: str
    method: str
    url: str
    body: dict[str, Any] | None = None
    expect: int = 404
    # For listings of "mine": the answer is 200 and shows none of the target's names.
    shows_nothing_foreign: bool = False
    # A page form posts form-encoded data; the API takes JSON.
    form: bool = False


def geojson(geometry: shapely.Geometry) -> dict[str, Any]:
    return dict(json.loads(shapely.to_geojson(geometry)))


def node_page(url: str) -> Callable[[Targets], Probe]:
    return lambda t: Probe("sibling_dispatcher", "GET", url)


def own_listing(url: str, caller: str = "sibling_dispatcher") -> Callable[[Targets], Probe]:
    return lambda t: Probe(caller, "GET", url, expect=200, shows_nothing_foreign=True)


def summons_step(step: str) -> Callable[[Targets], Probe]:
    """Each step is a form posted from the whistle page, by the other district's department."""
    return lambda t: Probe(
        "sibling_handler",
        "POST",
        f"/whistle/summons/{t.summons_id}/{step}/",
        {"description": "x", "rating": "5"},
        form=True,
    )


API = "/api/v1"
J = f"{API}/jurisdiction"
S = f"{API}/staffing"
E = f"{API}/events"
CW = f"{API}/casework"
W = f"{API}/whistle"
CM = f"{API}/command"
A = f"{API}/assessment"
RG = f"{API}/registry"
AD = f"{API}/addresses"
X = f"{API}/exchange"
VF = f"{API}/verification"
NT = f"{API}/notifications"
IN = f"{API}/inspections"


@dataclass(frozen=True)
class InspectionTargets:
    venue: int
    inspection: int
    rectification: int


def inspection_targets(t: Targets) -> InspectionTargets:
    """The target shop flagged, its inspection failed on a serious item: a rectification, its
    re-inspection and an event, all in the target grid."""
    from gridgov.inspections.actions import (
        Answer,
        inspection_record,
        inspections_schedule,
        kinds_load,
        venue_flag,
    )
    from gridgov.inspections.models import Rectification

    kinds_load(actor=None)
    venue = venue_flag(
        actor=User.objects.get(pk=t.user_id),
        kind_code="small_shop",
        organisation_id=t.registry.organisation.pk,
    )
    inspections_schedule()
    first = Inspection.objects.unscoped().get(venue=venue)
    items = ("extinguisher", "exit", "wiring", "no_living", "no_charging")
    inspection_record(
        actor=User.objects.get(username="gw"),
        inspection_id=first.pk,
        answers=[Answer(code, code != "exit") for code in items],
    )
    rect = Rectification.objects.unscoped().get(venue=venue)
    again = Inspection.objects.unscoped().get(rectification=rect)
    return InspectionTargets(venue.pk, again.pk, rect.pk)


def inspection_probe(
    method: str, path: Callable[[InspectionTargets], str], body: dict[str, Any] | None = None
) -> Callable[[Targets], Probe]:
    def probe(t: Targets) -> Probe:
        return Probe("sibling_dispatcher", method, path(inspection_targets(t)), body)

    return probe


def flag_search(t: Targets) -> Probe:
    """The venue-flag page's search for the target shop (already flagged), from next door."""
    inspection_targets(t)
    url = "/inspections/venues/flag/?kind=small_shop&q=目标"
    return Probe("sibling_dispatcher", "GET", url, expect=200, shows_nothing_foreign=True)


CP = f"{API}/campaigns"


def campaign_post(url: str) -> Callable[[Targets], Probe]:
    """A campaign's step, posted from its page by the sibling subdistrict's centre."""
    return lambda t: Probe("sibling_dispatcher", "POST", url.format(t=t), {}, form=True)


def campaign_read(url: str) -> Callable[[Targets], Probe]:
    return lambda t: Probe("sibling_dispatcher", "GET", url.format(t=t))


IS = f"{API}/insight"
RN = f"{API}/rentals"
RP = f"{API}/reports"
# The target home's address (registry's make_records).
TARGET_HOME = "目标路1号101室"
DC = f"{API}/decisions"


def decision_step(url: str) -> Callable[[Targets], Probe]:
    """A form posted from a decision's or an assessment's page, by the sibling subdistrict;
    the URL names the target's ids as {decision_id}, {assessment_id}…"""
    return lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        url.format(**asdict(t.decision)),
        {"command": "stop", "note": "x", "kind": "self", "measure": "x", "owner": "x"},
        form=True,
    )


def decision_api(url: str, body: dict[str, Any]) -> Callable[[Targets], Probe]:
    return lambda t: Probe("sibling_dispatcher", "POST", url.format(**asdict(t.decision)), body)


def target_inbox_item(t: Targets) -> int:
    """A notice in the target dispatcher's inbox, named like the target event."""
    notice = notice_send(kind="broadcast", key="scope", title="目标事件", recipients=[t.user_id])
    return notice.inbox.get().pk


def target_rental_case(t: Targets) -> int:
    """A suspected overcrowded rental at the target home."""
    home = t.registry.home
    case, _ = RentalCase.objects.get_or_create(
        home=home, defaults={"grid_id": home.grid_id, "suspected_at": timezone.now()}
    )
    return case.pk


def target_rental_task(t: Targets) -> int:
    """The target case sent for verification: its field task in the target grid."""
    case_id = target_rental_case(t)
    staff = User.objects.get(username="cs")
    case = rental_case_apply(actor=staff, case_id=case_id, command="verify", expected_version=1)
    assert case.field_task_id is not None
    return case.field_task_id


def target_meter_batch(t: Targets) -> int:
    """The target dispatcher's import of readings for an address nobody registered."""
    content = "address_code,month,utility,amount\n目标地址,2026-10,water,9\n".encode()
    return meter_import(actor=User.objects.get(pk=t.user_id), name="m.csv", content=content).pk


def target_report(t: Targets) -> int:
    """The target community's daily report."""
    node = Node.objects.get(code=COMMUNITY)
    return report_generate(node=node, period="day", start=timezone.localdate()).pk


def report_page(tail: str) -> Callable[[Targets], Probe]:
    return lambda t: Probe("sibling_dispatcher", "GET", f"/reports/{target_report(t)}/{tail}")


def meter_file() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "m.csv", f"address,month,utility,amount\n{TARGET_HOME},2026-10,water,9\n".encode()
    )


MATRIX: dict[str, Callable[[Targets], Probe]] = {
    # Inspections API.
    f"GET {IN}/venues": own_listing(f"{IN}/venues"),
    f"POST {IN}/venues": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{IN}/venues",
        {"kind": "small_shop", "organisation_id": t.registry.organisation.pk},
    ),
    f"POST {IN}/venues/{{venue_id}}/unflag": inspection_probe(
        "POST", lambda i: f"{IN}/venues/{i.venue}/unflag", {}
    ),
    f"GET {IN}/inspections": own_listing(f"{IN}/inspections?to_do=false"),
    f"GET {IN}/inspections/{{inspection_id}}": inspection_probe(
        "GET", lambda i: f"{IN}/inspections/{i.inspection}"
    ),
    f"POST {IN}/inspections/{{inspection_id}}/result": inspection_probe(
        "POST",
        lambda i: f"{IN}/inspections/{i.inspection}/result",
        {"answers": [{"code": "exit", "passed": True}]},
    ),
    f"POST {IN}/inspections/{{inspection_id}}/result/with-photos": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{IN}/inspections/{inspection_targets(t).inspection}/result/with-photos",
        {"data": json.dumps({"answers": [{"code": "exit", "passed": True}]})},
        form=True,
    ),
    f"GET {IN}/rectifications": own_listing(f"{IN}/rectifications"),
    f"GET {IN}/rectifications/{{rectification_id}}": inspection_probe(
        "GET", lambda i: f"{IN}/rectifications/{i.rectification}"
    ),
    f"POST {IN}/rectifications/{{rectification_id}}/cancel": inspection_probe(
        "POST", lambda i: f"{IN}/rectifications/{i.rectification}/cancel", {"note": "x"}
    ),
    f"GET {IN}/ledger": node_page(f"{IN}/ledger?node={COMMUNITY}"),
    # Inspection pages.
    "GET /inspections/": own_listing("/inspections/"),
    "GET /inspections/tasks/<int:task_id>/": lambda t: Probe(
        "sibling_dispatcher",
        "GET",
        f"/inspections/tasks/{Inspection.objects.unscoped().get(pk=inspection_targets(t).inspection).field_task_id}/",
    ),
    "GET /inspections/<int:inspection_id>/": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"/inspections/{inspection_targets(t).inspection}/",
        {"item-exit": "pass"},
        form=True,
    ),
    "GET /inspections/rectifications/": own_listing("/inspections/rectifications/"),
    "GET /inspections/ledger/": node_page(f"/inspections/ledger/?node={COMMUNITY}"),
    "GET /inspections/venues/flag/": flag_search,
    # Pages.
    "GET /": own_listing("/"),
    "GET /home/counts": own_listing("/home/counts"),
    "GET /jurisdiction/nodes/": own_listing("/jurisdiction/nodes/"),
    "GET /jurisdiction/nodes/<str:code>/": node_page(f"/jurisdiction/nodes/{COMMUNITY}/"),
    "GET /jurisdiction/nodes/<str:code>/children": node_page(
        f"/jurisdiction/nodes/{COMMUNITY}/children"
    ),
    "GET /jurisdiction/map/": own_listing("/jurisdiction/map/"),
    "GET /jurisdiction/map/<str:code>/": node_page(f"/jurisdiction/map/{COMMUNITY}/"),
    "GET /jurisdiction/grids/<str:code>/": node_page(f"/jurisdiction/grids/{GRID}/"),
    "GET /jurisdiction/grids/<str:code>/card": node_page(f"/jurisdiction/grids/{GRID}/card"),
    "GET /jurisdiction/import/": lambda t: Probe(
        "sibling_system_admin", "GET", "/jurisdiction/import/", expect=200
    ),
    "GET /staffing/coverage/": own_listing("/staffing/coverage/"),
    "GET /staffing/coverage/<str:code>/": node_page(f"/staffing/coverage/{COMMUNITY}/"),
    "GET /events/": own_listing("/events/?tab=all"),
    "GET /events/counts": own_listing("/events/counts"),
    "GET /events/stats/": node_page(f"/events/stats/?node={COMMUNITY}"),
    "GET /events/map.json": node_page(f"/events/map.json?node={COMMUNITY}"),
    "GET /events/heat.json": node_page(f"/events/heat.json?node={COMMUNITY}"),
    "GET /events/report/": own_listing("/events/report/"),
    "GET /events/report/fields": own_listing("/events/report/fields?category_class=04"),
    # Open reports near the target's place, asked from the other district: none of its own.
    "GET /events/report/nearby": own_listing(
        "/events/report/nearby?category=0101&lon=118.1&lat=31.7"
    ),
    "GET /events/hotline/": own_listing("/events/hotline/"),
    "GET /events/<str:number>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/events/{t.event_number}/"
    ),
    "GET /events/<str:number>/commands/<str:name>": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/events/{t.event_number}/commands/register"
    ),
    "GET /events/<str:number>/comments": lambda t: Probe(
        "sibling_dispatcher", "POST", f"/events/{t.event_number}/comments", {"body": "x"}, form=True
    ),
    "GET /events/bulk": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        "/events/bulk",
        {"command": "register", "events": f"{t.event_number}:1", "tab": "to_register"},
        expect=302,
        form=True,
    ),
    "GET /events/<str:number>/extension-preview": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/events/{t.event_number}/extension-preview?amount=1&unit=day"
    ),
    "GET /events/<str:number>/photos/<int:attachment_id>": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/events/{t.event_number}/photos/{t.attachment_id}"
    ),
    "GET /whistle/": own_listing("/whistle/"),
    "GET /campaigns/": own_listing("/campaigns/"),
    "GET /campaigns/new/": own_listing("/campaigns/new/"),
    "GET /campaigns/<int:campaign_id>/": campaign_read("/campaigns/{t.campaign_id}/"),
    "GET /campaigns/<int:campaign_id>/counts": campaign_read("/campaigns/{t.campaign_id}/counts"),
    "GET /campaigns/<int:campaign_id>/form/": campaign_read("/campaigns/{t.campaign_id}/form/"),
    "GET /campaigns/<int:campaign_id>/push/": campaign_post("/campaigns/{t.campaign_id}/push/"),
    "GET /campaigns/<int:campaign_id>/close/": campaign_post("/campaigns/{t.campaign_id}/close/"),
    "GET /campaigns/<int:campaign_id>/calls/": campaign_post("/campaigns/{t.campaign_id}/calls/"),
    "GET /campaigns/tasks/<int:task_id>/": campaign_read("/campaigns/tasks/{t.campaign_task_id}/"),
    "GET /campaigns/targets/<int:target_id>/": campaign_read(
        "/campaigns/targets/{t.campaign_target_id}/"
    ),
    "GET /whistle/<int:whistle_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/whistle/{t.whistle_id}/"
    ),
    "GET /whistle/blow/<str:number>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/whistle/blow/{t.event_number}/"
    ),
    "GET /whistle/summons/": own_listing("/whistle/summons/", "sibling_handler"),
    "GET /notifications/": own_listing("/notifications/"),
    "GET /notifications/<int:item_id>/open/": lambda t: Probe(
        "sibling_dispatcher", "POST", f"/notifications/{target_inbox_item(t)}/open/", {}, form=True
    ),
    f"GET {NT}/inbox": own_listing(f"{NT}/inbox"),
    "GET /exports/lists/<str:name>": own_listing("/exports/lists/events.queue?tab=all&format=csv"),
    **{
        f"GET /whistle/summons/<int:summons_id>/{step}/": summons_step(step)
        for step in ("report", "part-done", "verify", "rate")
    },
    # Major decisions: the decision's and the assessment's pages and every form they post.
    "GET /decisions/": own_listing("/decisions/"),
    "GET /decisions/new/": own_listing("/decisions/new/"),
    "GET /decisions/assessments/": own_listing("/decisions/assessments/"),
    "GET /decisions/<int:decision_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/decisions/{t.decision.decision_id}/"
    ),
    "GET /decisions/assessments/<int:assessment_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/decisions/assessments/{t.decision.assessment_id}/"
    ),
    "GET /decisions/participants/<int:participant_id>/unmask/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/decisions/participants/{t.decision.participant_id}/unmask/"
    ),
    "GET /decisions/<int:decision_id>/command/": decision_step("/decisions/{decision_id}/command/"),
    "GET /decisions/<int:decision_id>/commission/": decision_step(
        "/decisions/{decision_id}/commission/"
    ),
    **{
        f"GET /decisions/assessments/<int:assessment_id>/{step}/": decision_step(
            f"/decisions/assessments/{{assessment_id}}/{step}/"
        )
        for step in ("command", "consultation", "risk-point", "expert-opinion")
    },
    "GET /decisions/risk-points/<int:risk_point_id>/mitigation/": decision_step(
        "/decisions/risk-points/{risk_point_id}/mitigation/"
    ),
    "GET /decisions/mitigations/<int:mitigation_id>/done/": decision_step(
        "/decisions/mitigations/{mitigation_id}/done/"
    ),
    "GET /assessment/": node_page(f"/assessment/?unit=node&code={COMMUNITY}"),
    "GET /assessment/ranking/": node_page(
        f"/assessment/ranking/?unit=node&within={COMMUNITY}&indicator=closure_rate"
    ),
    "GET /assessment/events/<str:number>/score/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/assessment/events/{t.event_number}/score/"
    ),
    # The batch matching page answers a posted list; a foreign address reads as not found.
    "GET /addresses/": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        "/addresses/",
        {"lines": "目标路8号2幢"},
        expect=200,
        shows_nothing_foreign=True,
        form=True,
    ),
    # The address box's check: a foreign address is not found, its grid never shown.
    "GET /addresses/check/": own_listing("/addresses/check/?address=目标路8号2幢"),
    "GET /registry/": own_listing("/registry/"),
    "GET /registry/people/<int:person_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/registry/people/{t.registry.person.pk}/"
    ),
    "GET /registry/people/<int:person_id>/unmask": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/registry/people/{t.registry.person.pk}/unmask"
    ),
    "GET /registry/households/<int:household_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/registry/households/{t.registry.household.pk}/"
    ),
    "GET /registry/homes/<int:home_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/registry/homes/{t.registry.home.pk}/"
    ),
    "GET /registry/organisations/<int:organisation_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/registry/organisations/{t.registry.organisation.pk}/"
    ),
    "GET /registry/compounds/<int:compound_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/registry/compounds/{t.registry.compound.pk}/"
    ),
    "GET /registry/grids/<str:code>/": node_page(f"/registry/grids/{GRID}/"),
    # Import pages: a sibling's job is not there; the sibling's own list shows none of it.
    "GET /exchange/": own_listing("/exchange/"),
    "GET /exchange/imports/<int:job_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/exchange/imports/{t.import_job}/"
    ),
    # Polling by POST commits the next slice of the file: the stronger probe.
    "GET /exchange/imports/<int:job_id>/progress": lambda t: Probe(
        "sibling_dispatcher", "POST", f"/exchange/imports/{t.import_job}/progress", {}, form=True
    ),
    "GET /verification/": own_listing("/verification/"),
    "GET /verification/tasks/<int:task_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/verification/tasks/{t.verification_task}/"
    ),
    # The declaration form names a record by its ID number; a foreign one is not found.
    "GET /verification/declare/": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        "/verification/declare/?kind=person",
        {"id_number": ID_NUMBER, "new-name": "改名"},
        form=True,
    ),
    "GET /verification/grids/<str:code>/": node_page(f"/verification/grids/{COMMUNITY}/"),
    # Jurisdiction API.
    f"GET {J}/tree": own_listing(f"{J}/tree?depth=5"),
    f"GET {J}/nodes/{{code}}": node_page(f"{J}/nodes/{COMMUNITY}"),
    f"GET {J}/nodes/{{code}}/children": node_page(f"{J}/nodes/{COMMUNITY}/children"),
    f"GET {J}/nodes/{{code}}/geojson": node_page(f"{J}/nodes/{COMMUNITY}/geojson"),
    f"GET {J}/nodes/{{code}}/overlaps": node_page(f"{J}/nodes/{GRID}/overlaps"),
    f"GET {J}/locate": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{J}/locate?lon=118.1&lat=31.7"
    ),
    f"POST {J}/locate/bulk": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{J}/locate/bulk",
        {"crs": "wgs84", "points": [[118.1, 31.7]]},
        expect=200,
        shows_nothing_foreign=True,
    ),
    f"GET {J}/layers": own_listing(f"{J}/layers"),
    f"GET {J}/layers/{{kind}}/units": own_listing(f"{J}/layers/police_beat/units"),
    f"GET {J}/layers/{{kind}}/units/{{code}}": node_page(f"{J}/layers/police_beat/units/{BEAT}"),
    f"POST {J}/import": lambda t: Probe(
        "sibling_system_admin",
        "POST",
        f"{J}/import",
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": COMMUNITY, "name": "改名", "level": "community"},
                    "geometry": geojson(shapely.box(118.0, 31.5, 118.5, 32.0)),
                }
            ],
        },
        # A file is checked feature by feature: a code outside the caller's
        # jurisdiction is one of its errors, worded as for a code that does not exist.
        expect=422,
    ),
    f"GET {J}/export": lambda t: Probe(
        "sibling_system_admin", "GET", f"{J}/export?root={COMMUNITY}"
    ),
    # Staffing API.
    f"GET {S}/staff": node_page(f"{S}/staff?node={COMMUNITY}"),
    f"POST {S}/staff": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{S}/staff",
        {"name": "外来人员", "kind": "full_time", "home_node": COMMUNITY, "grids": [GRID]},
    ),
    f"GET {S}/staff/{{staff_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{S}/staff/{t.staff_id}"
    ),
    f"PATCH {S}/staff/{{staff_id}}": lambda t: Probe(
        "sibling_dispatcher", "PATCH", f"{S}/staff/{t.staff_id}", {"name": "改名"}
    ),
    f"POST {S}/staff/{{staff_id}}/deactivate": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{S}/staff/{t.staff_id}/deactivate", {}
    ),
    f"POST {S}/staff/{{staff_id}}/assignments": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{S}/staff/{t.staff_id}/assignments", {"grid_code": GRID}
    ),
    f"DELETE {S}/staff/{{staff_id}}/assignments/{{grid_code}}": lambda t: Probe(
        "sibling_dispatcher", "DELETE", f"{S}/staff/{t.staff_id}/assignments/{GRID}"
    ),
    f"GET {S}/groups": node_page(f"{S}/groups?node={COMMUNITY}"),
    f"POST {S}/groups": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{S}/groups", {"name": "组", "node": COMMUNITY, "grids": []}
    ),
    f"GET {S}/groups/{{group_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{S}/groups/{t.group_id}"
    ),
    f"PUT {S}/groups/{{group_id}}/grids": lambda t: Probe(
        "sibling_dispatcher", "PUT", f"{S}/groups/{t.group_id}/grids", {"grids": [GRID]}
    ),
    f"POST {S}/groups/{{group_id}}/members": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{S}/groups/{t.group_id}/members",
        {"role": "member", "name": "外来人员"},
    ),
    f"DELETE {S}/groups/{{group_id}}/members/{{member_id}}": lambda t: Probe(
        "sibling_dispatcher", "DELETE", f"{S}/groups/{t.group_id}/members/{t.member_id}"
    ),
    f"GET {S}/coverage": node_page(f"{S}/coverage?node={COMMUNITY}"),
    # Accounts API: another account's token and account are not there.
    f"DELETE {API}/accounts/tokens/{{token_id}}": lambda t: Probe(
        "sibling_dispatcher", "DELETE", f"{API}/accounts/tokens/{t.token_id}"
    ),
    f"GET {API}/accounts/users": own_listing(f"{API}/accounts/users", "sibling_security_admin"),
    f"GET {API}/accounts/users/{{user_id}}": lambda t: Probe(
        "sibling_security_admin", "GET", f"{API}/accounts/users/{t.user_id}"
    ),
    # Events API.
    f"GET {E}": own_listing(E),
    f"POST {E}": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        E,
        {"category": "0101", "description": "暴露垃圾", "lon": 118.1, "lat": 31.7},
        expect=422,
    ),
    f"POST {E}/hotline": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{E}/hotline",
        {"ticket": "12345-1", "category": "0101", "description": "x", "lon": 118.1, "lat": 31.7},
        expect=422,
    ),
    f"POST {E}/intake": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{E}/intake",
        {
            "source_system": "sensors",
            "idempotency_key": "k1",
            "category": "0101",
            "description": "x",
            "lon": 118.1,
            "lat": 31.7,
        },
        expect=422,
    ),
    f"POST {E}/with-photos": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{E}/with-photos",
        {"data": json.dumps({"category": "0101", "description": "x", "lon": 118.1, "lat": 31.7})},
        expect=422,
        form=True,
    ),
    f"GET {E}/stats/closure-by-level": node_page(f"{E}/stats/closure-by-level?node={COMMUNITY}"),
    f"GET {E}/stats/response-time": node_page(
        f"{E}/stats/response-time?node={COMMUNITY}&since=2026-01-01T00:00:00%2B08:00"
    ),
    f"GET {E}/{{number}}": lambda t: Probe("sibling_dispatcher", "GET", f"{E}/{t.event_number}"),
    f"GET {E}/{{number}}/duplicates": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{E}/{t.event_number}/duplicates"
    ),
    f"POST {E}/{{number}}/commands/{{command}}/with-photos": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{E}/{t.event_number}/commands/register/with-photos",
        {"data": json.dumps({"expected_version": 1})},
        form=True,
    ),
    f"GET {E}/{{number}}/timeline": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{E}/{t.event_number}/timeline"
    ),
    f"POST {E}/{{number}}/commands/{{command}}": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{E}/{t.event_number}/commands/register",
        {"expected_version": 1},
    ),
    f"GET {CW}/events/{{number}}/comments": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CW}/events/{t.event_number}/comments"
    ),
    f"POST {CW}/events/{{number}}/comments": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{CW}/events/{t.event_number}/comments", {"body": "x"}
    ),
    f"GET {CW}/events/{{number}}/reply-templates": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CW}/events/{t.event_number}/reply-templates"
    ),
    f"POST {CW}/bulk": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{CW}/bulk",
        {"command": "register", "events": [{"number": t.event_number, "version": 1}]},
        expect=200,
    ),
    # Campaigns API.
    f"GET {CP}/templates": own_listing(f"{CP}/templates"),
    f"GET {CP}": own_listing(CP),
    f"POST {CP}": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        CP,
        {
            "title": "x",
            "form": {"fields": [{"name": "a", "label": "a", "type": "text"}]},
            "target_kind": "homes",
            "areas": [COMMUNITY],
            "due_at": "2099-01-01T00:00:00+08:00",
        },
        expect=422,
    ),
    f"GET {CP}/{{campaign_id}}": campaign_read(f"{CP}/{{t.campaign_id}}"),
    f"PUT {CP}/{{campaign_id}}/form": lambda t: Probe(
        "sibling_dispatcher",
        "PUT",
        f"{CP}/{t.campaign_id}/form",
        {"form": {"fields": [{"name": "a", "label": "a", "type": "text"}]}},
    ),
    f"POST {CP}/{{campaign_id}}/push": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{CP}/{t.campaign_id}/push", {}
    ),
    f"POST {CP}/{{campaign_id}}/close": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{CP}/{t.campaign_id}/close", {}
    ),
    f"GET {CP}/{{campaign_id}}/grids": campaign_read(f"{CP}/{{t.campaign_id}}/grids"),
    f"GET {CP}/{{campaign_id}}/tabulation": campaign_read(f"{CP}/{{t.campaign_id}}/tabulation"),
    f"GET {CP}/{{campaign_id}}/targets": campaign_read(f"{CP}/{{t.campaign_id}}/targets"),
    f"GET {CP}/{{campaign_id}}/calls": campaign_read(f"{CP}/{{t.campaign_id}}/calls"),
    f"POST {CP}/{{campaign_id}}/calls": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{CP}/{t.campaign_id}/calls",
        {"file": SimpleUploadedFile("calls.csv", b"phone,answer,time\n", "text/csv")},
        form=True,
    ),
    f"POST {CP}/targets/{{target_id}}/answer": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{CP}/targets/{t.campaign_target_id}/answer",
        {"values": {"a": "x"}},
    ),
    # Whistle-and-report API.
    f"GET {W}/whistles": own_listing(f"{W}/whistles"),
    f"POST {W}/whistles": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{W}/whistles",
        {
            "event_number": t.event_number,
            "reason": "several_departments",
            "department_codes": ["320104-cg"],
        },
    ),
    f"GET {W}/whistles/{{whistle_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{W}/whistles/{t.whistle_id}"
    ),
    f"GET {W}/summons": own_listing(f"{W}/summons", "sibling_handler"),
    f"POST {W}/summons/{{summons_id}}/report": lambda t: Probe(
        "sibling_handler", "POST", f"{W}/summons/{t.summons_id}/report", {}
    ),
    f"POST {W}/summons/{{summons_id}}/part-done": lambda t: Probe(
        "sibling_handler", "POST", f"{W}/summons/{t.summons_id}/part-done", {"description": "x"}
    ),
    f"POST {W}/summons/{{summons_id}}/verify": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{W}/summons/{t.summons_id}/verify", {}
    ),
    f"POST {W}/summons/{{summons_id}}/rating": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{W}/summons/{t.summons_id}/rating", {"rating": 5}
    ),
    f"GET {W}/stats": node_page(f"{W}/stats?node={COMMUNITY}"),
    # Major decisions API.
    f"GET {DC}/categories": own_listing(f"{DC}/categories"),
    f"GET {DC}/figures": own_listing(f"{DC}/figures"),
    f"GET {DC}/decisions": own_listing(f"{DC}/decisions"),
    f"GET {DC}/assessments": own_listing(f"{DC}/assessments"),
    f"POST {DC}/decisions": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{DC}/decisions",
        {
            "title": "x",
            "category": "construction",
            "decided_by": "x",
            "node": COMMUNITY,
            "people_affected": 1,
            "planned_on": "2027-01-01",
        },
        expect=422,
    ),
    f"GET {DC}/decisions/{{decision_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{DC}/decisions/{t.decision.decision_id}"
    ),
    f"GET {DC}/assessments/{{assessment_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{DC}/assessments/{t.decision.assessment_id}"
    ),
    f"POST {DC}/decisions/{{decision_id}}/commands": decision_api(
        DC + "/decisions/{decision_id}/commands", {"command": "close"}
    ),
    f"POST {DC}/decisions/{{decision_id}}/assessments": decision_api(
        DC + "/decisions/{decision_id}/assessments", {"kind": "self"}
    ),
    f"POST {DC}/assessments/{{assessment_id}}/commands": decision_api(
        DC + "/assessments/{assessment_id}/commands", {"command": "return"}
    ),
    f"POST {DC}/assessments/{{assessment_id}}/consultations": decision_api(
        DC + "/assessments/{assessment_id}/consultations",
        {
            "method": "hearing",
            "held_on": "2026-01-01",
            "participants": 1,
            "in_favour": 0,
            "against": 0,
        },
    ),
    f"POST {DC}/assessments/{{assessment_id}}/risk-points": decision_api(
        DC + "/assessments/{assessment_id}/risk-points",
        {"title": "x", "likelihood": 1, "impact": 1},
    ),
    f"POST {DC}/assessments/{{assessment_id}}/expert-opinions": decision_api(
        DC + "/assessments/{assessment_id}/expert-opinions",
        {"expert": "x", "opinion": "x", "vote": "for", "given_on": "2026-01-01"},
    ),
    f"POST {DC}/risk-points/{{risk_point_id}}/mitigations": decision_api(
        DC + "/risk-points/{risk_point_id}/mitigations",
        {"measure": "x", "owner": "x", "due_on": "2030-01-01"},
    ),
    f"POST {DC}/mitigations/{{mitigation_id}}/done": decision_api(
        DC + "/mitigations/{mitigation_id}/done", {"note": "x"}
    ),
    f"POST {DC}/participants/{{participant_id}}/unmask": decision_api(
        DC + "/participants/{participant_id}/unmask",
        {"field": "phone", "purpose": "x"},
    ),
    # Registry API.
    f"POST {RG}/people/search": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RG}/people/search",
        {"name": "目标"},
        expect=200,
        shows_nothing_foreign=True,
    ),
    f"POST {RG}/people": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RG}/people",
        {
            "id_number": "320102199001051234",
            "name": "改名",
            "kind": "registered",
            "grid_code": GRID,
        },
    ),
    f"GET {RG}/people/{{person_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{RG}/people/{t.registry.person.pk}"
    ),
    f"POST {RG}/people/{{person_id}}/unmask": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RG}/people/{t.registry.person.pk}/unmask",
        {"field": "phone", "purpose": "x"},
    ),
    f"GET {RG}/households/{{household_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{RG}/households/{t.registry.household.pk}"
    ),
    f"POST {RG}/households": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RG}/households",
        {"number": "H2", "home_id": t.registry.home.pk},
    ),
    f"GET {RG}/homes/{{home_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{RG}/homes/{t.registry.home.pk}"
    ),
    f"POST {RG}/homes": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{RG}/homes", {"address": "x", "grid_code": GRID}
    ),
    f"POST {RG}/homes/{{home_id}}/tenancies": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RG}/homes/{t.registry.home.pk}/tenancies",
        {"person_id": t.registry.person.pk, "start": "2026-01-01"},
    ),
    f"POST {RG}/tenancies/{{tenancy_id}}/end": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RG}/tenancies/{t.registry.tenancy.pk}/end",
        {"end": "2026-12-31"},
    ),
    f"GET {RG}/organisations/{{organisation_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{RG}/organisations/{t.registry.organisation.pk}"
    ),
    f"POST {RG}/organisations": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RG}/organisations",
        {
            "credit_code": t.registry.organisation.credit_code,
            "name": "x",
            "kind": "enterprise",
            "grid_code": GRID,
        },
    ),
    f"GET {RG}/compounds/{{compound_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{RG}/compounds/{t.registry.compound.pk}"
    ),
    f"POST {RG}/compounds": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RG}/compounds",
        {"name": "x", "managed": False, "grid_code": GRID},
    ),
    f"GET {RG}/grids/{{code}}/card": node_page(f"{RG}/grids/{GRID}/card"),
    # Address library API.
    f"POST {AD}/match": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{AD}/match",
        {"text": "目标路8号2幢"},
        expect=200,
        shows_nothing_foreign=True,
    ),
    f"POST {AD}/match/batch": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{AD}/match/batch",
        {"texts": ["目标路8号2幢"]},
        expect=200,
        shows_nothing_foreign=True,
    ),
    f"GET {AD}": own_listing(f"{AD}?road=目标路"),
    f"GET {AD}/{{code}}": lambda t: Probe("sibling_dispatcher", "GET", f"{AD}/{t.address}"),
    # Exchange API: a row at the target's address reads as not found, as on the address routes.
    f"POST {X}/imports": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{X}/imports?preview=1",
        {
            "kind": "people",
            "file": SimpleUploadedFile(
                "p.csv",
                "姓名,身份证号,人员类别,地址\n某人,320104199001011235,户籍人口,目标路8号2幢\n".encode(),
            ),
        },
        expect=200,
        shows_nothing_foreign=True,
        form=True,
    ),
    f"GET {X}/imports/{{job_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{X}/imports/{t.import_job}"
    ),
    f"GET {X}/imports/{{job_id}}/errors.csv": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{X}/imports/{t.import_job}/errors.csv"
    ),
    f"GET {X}/templates/{{kind}}.{{fmt}}": own_listing(f"{X}/templates/people.csv"),
    # Verification API.
    f"GET {VF}/tasks": own_listing(f"{VF}/tasks"),
    f"GET {VF}/tasks/{{task_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{VF}/tasks/{t.verification_task}"
    ),
    f"POST {VF}/tasks/{{task_id}}/decision": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{VF}/tasks/{t.verification_task}/decision",
        {"decision": "confirm"},
    ),
    f"POST {VF}/proposals": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{VF}/proposals",
        {
            "source": "api_push",
            "record_kind": "person",
            "id_number": ID_NUMBER,
            "changes": {"name": "改名"},
        },
    ),
    f"GET {VF}/stats": node_page(f"{VF}/stats?node={COMMUNITY}"),
    # Assessment API.
    f"GET {A}/scorecards": node_page(
        f"{A}/scorecards?unit=node&code={COMMUNITY}&period=month&start=2026-11-01"
    ),
    f"GET {A}/rankings": node_page(
        f"{A}/rankings?unit=node&level=5&within={COMMUNITY}&indicator=closure_rate&start=2026-11-01"
    ),
    f"POST {A}/events/{{number}}/handling-score": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{A}/events/{t.event_number}/handling-score", {"score": 5}
    ),
    # Linked command: pages, then the API.
    "GET /command/": own_listing("/command/"),
    "GET /command/centres/<int:centre_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/centres/{t.command['centre']}/"
    ),
    "GET /command/centres/<int:centre_id>/roster/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/centres/{t.command['centre']}/roster/"
    ),
    "GET /command/centres/<int:centre_id>/roster/edit/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/centres/{t.command['centre']}/roster/edit/"
    ),
    "GET /command/centres/<int:centre_id>/plans/new/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/centres/{t.command['centre']}/plans/new/"
    ),
    "GET /command/plans/<int:plan_id>/edit/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/plans/{t.command['plan']}/edit/"
    ),
    "GET /command/centres/<int:centre_id>/wall/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/centres/{t.command['centre']}/wall/"
    ),
    "GET /command/centres/<int:centre_id>/wall.json": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/centres/{t.command['centre']}/wall.json"
    ),
    "GET /command/instructions/<int:instruction_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/instructions/{t.command['instruction']}/"
    ),
    "GET /command/instructions/<int:instruction_id>/remind/": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"/command/instructions/{t.command['instruction']}/remind/",
        {},
        form=True,
    ),
    "GET /command/mine/": own_listing("/command/mine/"),
    "GET /command/swaps/<int:swap_id>/decide/": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"/command/swaps/{t.command['swap']}/decide/",
        {"approve": "1"},
        form=True,
    ),
    "GET /command/mine/<int:receipt_id>/<str:command>/": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"/command/mine/{t.command['receipt']}/acknowledge/",
        {},
        form=True,
    ),
    "GET /command/plans/<int:plan_id>/activate/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/plans/{t.command['plan']}/activate/"
    ),
    "GET /command/activations/<int:activation_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/activations/{t.command['activation']}/"
    ),
    "GET /command/events/<str:number>/nearest/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/events/{t.event_number}/nearest/"
    ),
    "GET /command/assignments/<int:task_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/command/assignments/{t.command['task']}/"
    ),
    f"GET {CM}/centres": own_listing(f"{CM}/centres"),
    f"POST {CM}/centres": lambda t: Probe(
        "sibling_commander", "POST", f"{CM}/centres", {"name": "x", "node": "320104001"}
    ),
    f"GET {CM}/centres/{{centre_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CM}/centres/{t.command['centre']}"
    ),
    f"GET {CM}/centres/{{centre_id}}/members": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CM}/centres/{t.command['centre']}/members"
    ),
    f"PUT {CM}/centres/{{centre_id}}/members": lambda t: Probe(
        "sibling_commander",
        "PUT",
        f"{CM}/centres/{t.command['centre']}/members",
        {"user_id": t.user_id, "role": "member"},
    ),
    f"GET {CM}/centres/{{centre_id}}/wall": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CM}/centres/{t.command['centre']}/wall"
    ),
    f"GET {CM}/centres/{{centre_id}}/duty": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CM}/centres/{t.command['centre']}/duty"
    ),
    f"PUT {CM}/centres/{{centre_id}}/roster": lambda t: Probe(
        "sibling_dispatcher",
        "PUT",
        f"{CM}/centres/{t.command['centre']}/roster",
        {"start": "2026-12-01T00:00:00+08:00", "end": "2026-12-02T00:00:00+08:00", "shifts": []},
    ),
    f"GET {CM}/shifts": own_listing(
        f"{CM}/shifts?start=2020-01-01T00:00:00%2B08:00&end=2030-01-01T00:00:00%2B08:00"
    ),
    f"POST {CM}/shifts/{{shift_id}}/swaps": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{CM}/shifts/{t.command['shift']}/swaps",
        {"to_user_id": t.user_id},
    ),
    f"POST {CM}/swaps/{{swap_id}}/decision": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{CM}/swaps/{t.command['swap']}/decision", {"approve": True}
    ),
    f"POST {CM}/instructions": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{CM}/instructions",
        {
            "centre_id": t.command["centre"],
            "title": "x",
            "due_at": "2030-01-01T00:00:00+08:00",
            "targets": {"area": COMMUNITY},
        },
    ),
    f"POST {CM}/orders": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{CM}/orders",
        {"centre_id": t.command["centre"], "title": "x", "targets": {"grids": [GRID]}},
    ),
    f"GET {CM}/instructions": own_listing(f"{CM}/instructions"),
    f"GET {CM}/instructions/{{instruction_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CM}/instructions/{t.command['instruction']}"
    ),
    f"GET {CM}/instructions/{{instruction_id}}/counts": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CM}/instructions/{t.command['instruction']}/counts"
    ),
    f"GET {CM}/instructions/{{instruction_id}}/receipts": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CM}/instructions/{t.command['instruction']}/receipts"
    ),
    f"POST {CM}/instructions/{{instruction_id}}/remind": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{CM}/instructions/{t.command['instruction']}/remind", {}
    ),
    f"GET {CM}/receipts": own_listing(f"{CM}/receipts"),
    f"POST {CM}/receipts/{{receipt_id}}/{{command}}": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{CM}/receipts/{t.command['receipt']}/acknowledge", {}
    ),
    f"GET {CM}/plans": own_listing(f"{CM}/plans"),
    f"POST {CM}/plans": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{CM}/plans",
        {"centre_id": t.command["centre"], "name": "x", "kind": "flood"},
    ),
    f"GET {CM}/plans/{{plan_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CM}/plans/{t.command['plan']}"
    ),
    f"POST {CM}/plans/{{plan_id}}/activations": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{CM}/plans/{t.command['plan']}/activations",
        {"area": "320104001", "level": "IV", "reason": "x"},
    ),
    f"GET {CM}/activations": own_listing(f"{CM}/activations"),
    f"GET {CM}/activations/{{activation_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{CM}/activations/{t.command['activation']}"
    ),
    f"POST {CM}/activations/{{activation_id}}/end": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{CM}/activations/{t.command['activation']}/end",
        {"note": "x"},
    ),
    f"GET {A}/sheets": node_page(f"{A}/sheets?unit=node&code={COMMUNITY}&start=2026-11-01"),
    f"GET {A}/sheet-rankings": own_listing(f"{A}/sheet-rankings?level=4&start=2026-11-01"),
    f"PUT {A}/appraisals": lambda t: Probe(
        "sibling_dispatcher",
        "PUT",
        f"{A}/appraisals",
        {"code": COMMUNITY, "period": "month", "start": "2026-11-01", "score": 90},
    ),
    f"PUT {A}/sheet-items": lambda t: Probe(
        "sibling_commander",
        "PUT",
        f"{A}/sheet-items",
        {"unit_kind": "node", "weights": {"closure_rate": 100}},
        expect=403,
    ),
    f"GET {A}/workers": own_listing(f"{A}/workers?start=2026-11-01"),
    f"GET {A}/staffing": node_page(f"{A}/staffing?code={COMMUNITY}"),
    "GET /assessment/workers/": own_listing("/assessment/workers/"),
    "GET /assessment/sheet/": node_page(f"/assessment/sheet/?code={COMMUNITY}"),
    # The sheet's weights are the city's: a district's commander may not open them.
    "GET /assessment/sheet/weights/": lambda t: Probe(
        "sibling_commander", "GET", "/assessment/sheet/weights/", expect=403
    ),
    "GET /assessment/staffing/": node_page(f"/assessment/staffing/?code={COMMUNITY}"),
    # Insight: the panorama, prompt notices, departments' monthly figures.
    "GET /insight/": own_listing("/insight/"),
    "GET /insight/areas/<str:code>/": node_page(f"/insight/areas/{COMMUNITY}/"),
    "GET /insight/notices/": own_listing("/insight/notices/"),
    "GET /insight/notices/<int:notice_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/insight/notices/{make_target_notice(COMMUNITY)}/"
    ),
    "GET /insight/figures/": own_listing("/insight/figures/", "sibling_handler"),
    "GET /insight/people.json": node_page(f"/insight/people.json?node={COMMUNITY}"),
    # Indices are the city's definitions: a district's commander may not open the editor.
    "GET /insight/indices/": lambda t: Probe(
        "sibling_commander", "GET", "/insight/indices/", expect=403
    ),
    "GET /insight/indices/<str:code>/": lambda t: Probe(
        "sibling_commander", "GET", "/insight/indices/safety/", expect=403
    ),
    f"GET {IS}/panorama": node_page(f"{IS}/panorama?code={COMMUNITY}&month=2026-11-01"),
    f"GET {IS}/indices/{{code}}/values": node_page(f"{IS}/indices/safety/values?node={COMMUNITY}"),
    f"GET {IS}/indices/{{code}}/days": node_page(f"{IS}/indices/safety/days?node={COMMUNITY}"),
    f"GET {IS}/people": node_page(f"{IS}/people?node={COMMUNITY}"),
    f"PUT {IS}/indices/{{code}}": lambda t: Probe(
        "sibling_commander",
        "PUT",
        f"{IS}/indices/safety",
        {"name": "x", "levels": [3], "components": []},
        expect=403,
    ),
    f"GET {IS}/notices": own_listing(f"{IS}/notices"),
    f"GET {IS}/notices/{{notice_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{IS}/notices/{make_target_notice(COMMUNITY)}"
    ),
    f"POST {IS}/notices/{{notice_id}}/{{command}}": lambda t: Probe(
        "sibling_commander", "POST", f"{IS}/notices/{make_target_notice(COMMUNITY)}/issue", {}
    ),
    f"PUT {IS}/figures": lambda t: Probe(
        "sibling_handler",
        "PUT",
        f"{IS}/figures",
        {"kind": "crime", "area": COMMUNITY, "month": "2026-11-01", "value": 1},
    ),
    # Rental warning: pages, then the API. The rules are the city's, changed by its commander.
    "GET /rentals/": own_listing("/rentals/"),
    "GET /rentals/cases/<int:case_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/rentals/cases/{target_rental_case(t)}/"
    ),
    "GET /rentals/cases/<int:case_id>/command/": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"/rentals/cases/{target_rental_case(t)}/command/",
        {"command": "dismiss", "version": "1"},
        form=True,
    ),
    "GET /rentals/tasks/<int:task_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/rentals/tasks/{target_rental_task(t)}/"
    ),
    "GET /rentals/rules/<str:code>/": lambda t: Probe(
        "sibling_commander", "GET", "/rentals/rules/crowding/", expect=403
    ),
    # The target's import exists; the sibling's list of imports shows none of it.
    "GET /rentals/meters/": lambda t: (target_meter_batch(t), own_listing("/rentals/meters/")(t))[
        1
    ],
    "GET /reports/": own_listing("/reports/"),
    **{f"GET /reports/<int:report_id>/{tail}": report_page(tail) for tail in ("", "pdf", "xlsx")},
    f"GET {RP}/reports": own_listing(f"{RP}/reports"),
    f"GET {RP}/reports/{{report_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{RP}/reports/{target_report(t)}"
    ),
    # The caller's own unit's report: the sibling's, with nothing of the target in it.
    f"POST {RP}/reports": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RP}/reports",
        {"period": "day", "start": "2026-12-01"},
        expect=201,
        shows_nothing_foreign=True,
    ),
    f"GET {RN}/rules": own_listing(f"{RN}/rules"),
    f"PUT {RN}/rules/{{code}}": lambda t: Probe(
        "sibling_commander",
        "PUT",
        f"{RN}/rules/crowding",
        {"name": "x", "kind": "crowding", "params": {}, "max_share": "0.5"},
        expect=403,
    ),
    f"GET {RN}/cases": own_listing(f"{RN}/cases"),
    f"GET {RN}/cases/{{case_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{RN}/cases/{target_rental_case(t)}"
    ),
    f"POST {RN}/cases/{{case_id}}/commands": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RN}/cases/{target_rental_case(t)}/commands",
        {"command": "dismiss", "expected_version": 1},
    ),
    f"POST {RN}/runs": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{RN}/runs", {"node": COMMUNITY}
    ),
    f"GET {RN}/runs": own_listing(f"{RN}/runs"),
    # A foreign home's address reads as unknown to the sibling: kept in its own import.
    f"POST {RN}/meter-imports": lambda t: Probe(
        "sibling_dispatcher",
        "POST",
        f"{RN}/meter-imports",
        {"file": meter_file()},
        expect=201,
        form=True,
    ),
    f"GET {RN}/meter-imports/{{batch_id}}/unknown": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{RN}/meter-imports/{target_meter_batch(t)}/unknown"
    ),
}


# Dispute mediation: the target grid's dispute, made when a probe first needs it.
MD = f"{API}/mediation"


def _dispute(t: Targets) -> int:
    return target_dispute(t.user_id, GRID).pk


def _party(t: Targets) -> int:
    return Party.objects.unscoped().filter(dispute_id=_dispute(t)).values_list("pk", flat=True)[0]


def _figures(url: str) -> Callable[[Targets], Probe]:
    def probe(t: Targets) -> Probe:
        target_figures(t.user_id, GRID)
        return own_listing(url)(t)

    return probe


MEDIATION_PARTY = {"side": "applicant", "name": "某人"}
MEDIATION_FIELDS = {
    "parties": [MEDIATION_PARTY, {**MEDIATION_PARTY, "side": "respondent"}],
    "risk_level": "low",
    "mediator_kind": "community",
    "mediator_name": "某调解员",
}
MATRIX |= {
    "GET /mediation/": _figures("/mediation/"),
    "GET /mediation/new/": own_listing("/mediation/new/"),
    "GET /mediation/figures/": _figures("/mediation/figures/?by=community"),
    "GET /mediation/from-event/<str:number>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/mediation/from-event/{t.event_number}/"
    ),
    "GET /mediation/follow-up/<int:task_id>/": lambda t: Probe(
        "sibling_dispatcher",
        "GET",
        f"/mediation/follow-up/{target_follow_up_task(t.user_id, GRID)}/",
    ),
    "GET /mediation/parties/<int:party_id>/unmask": lambda t: Probe(
        "sibling_dispatcher", "POST", f"/mediation/parties/{_party(t)}/unmask",
        {"field": "id_number", "purpose": "核实"}, form=True,
    ),
    "GET /mediation/<int:dispute_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/mediation/{_dispute(t)}/"
    ),
    "GET /mediation/<int:dispute_id>/steps/<str:command>/": lambda t: Probe(
        "sibling_dispatcher", "POST", f"/mediation/{_dispute(t)}/steps/accept/",
        {"expected_version": "1"}, form=True,
    ),
    "GET /mediation/<int:dispute_id>/sessions/": lambda t: Probe(
        "sibling_dispatcher", "POST", f"/mediation/{_dispute(t)}/sessions/",
        {"held_at": "2026-01-01T10:00", "place": "x", "participants": "x"}, form=True,
    ),
    "GET /mediation/<int:dispute_id>/agreement.pdf": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/mediation/{_dispute(t)}/agreement.pdf"
    ),
    "GET /mediation/<int:dispute_id>/scan/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/mediation/{_dispute(t)}/scan/"
    ),
    f"GET {MD}/disputes": _figures(f"{MD}/disputes"),
    f"POST {MD}/disputes": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{MD}/disputes",
        {**MEDIATION_FIELDS, "dispute_type": "neighbour", "summary": "x", "grid_code": GRID},
    ),
    f"POST {MD}/disputes/from-event": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{MD}/disputes/from-event",
        {**MEDIATION_FIELDS, "event_number": t.event_number},
    ),
    f"GET {MD}/disputes/{{dispute_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{MD}/disputes/{_dispute(t)}"
    ),
    f"POST {MD}/disputes/{{dispute_id}}/commands/{{command}}": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{MD}/disputes/{_dispute(t)}/commands/accept",
        {"expected_version": 1},
    ),
    f"POST {MD}/disputes/{{dispute_id}}/sessions": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{MD}/disputes/{_dispute(t)}/sessions",
        {"held_at": "2026-01-01T10:00:00+08:00", "place": "x", "participants": "x"},
    ),
    f"POST {MD}/disputes/{{dispute_id}}/sessions/with-attachment": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{MD}/disputes/{_dispute(t)}/sessions/with-attachment",
        {"held_at": "2026-01-01T10:00:00+08:00", "place": "x", "participants": "x"}, form=True,
    ),
    f"GET {MD}/disputes/{{dispute_id}}/agreement.pdf": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{MD}/disputes/{_dispute(t)}/agreement.pdf"
    ),
    f"GET {MD}/disputes/{{dispute_id}}/scan": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{MD}/disputes/{_dispute(t)}/scan"
    ),
    f"POST {MD}/disputes/{{dispute_id}}/scan": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{MD}/disputes/{_dispute(t)}/scan", {}, form=True
    ),
    f"POST {MD}/parties/{{party_id}}/unmask": lambda t: Probe(
        "sibling_dispatcher", "POST", f"{MD}/parties/{_party(t)}/unmask",
        {"field": "id_number", "purpose": "核实"},
    ),
    f"GET {MD}/figures": _figures(f"{MD}/figures?by=community"),
}  # fmt: skip

# Routes with nothing of a jurisdiction in them, and why.
UNSCOPED: dict[str, str] = {
    f"GET {IN}/kinds": "venue kinds and checklists are the same everywhere",
    f"PUT {IN}/kinds/{{code}}": "venue kinds are the same everywhere (system admin only)",
    f"POST {IN}/kinds/{{code}}/checklists": "checklists are the same everywhere (system admin)",
    "GET /accounts/login/": "the login page",
    "GET /accounts/logout/": "logging out",
    "GET /accounts/password/": "the caller's own password",
    "GET /accounts/otp/": "the caller's own second factor",
    "GET /accounts/otp/enrol/": "enrols the caller's own authenticator",
    "GET /accounts/otp/backup-codes/": "the caller's own backup codes",
    "GET /i18n/setlang/": "the language switch",
    "GET /api/docs": "redirect to the API documentation",
    "GET /healthz": "liveness probe: says only that the process answers",
    "GET /readyz": "readiness probe: which dependency is down, and task backlog counts",
    "GET /metrics": "Prometheus metrics, totals only, for loopback addresses",
    "GET /worktime/years/": "the national holiday calendar is the same everywhere",
    "GET /worktime/years/<int:year>/": "the national holiday calendar is the same everywhere",
    f"GET {API}/accounts/me": "the caller's own account",
    f"GET {API}/accounts/tokens": "the caller's own tokens",
    f"POST {API}/accounts/tokens": "creates a token for the caller only",
    f"GET {E}/categories": "the event catalogue is the same everywhere",
    f"GET {IS}/measures": "the measure registry is the same everywhere",
    f"GET {IS}/indices": "index definitions are the same everywhere (values are scoped)",
    "GET /notifications/read-all/": "marks the caller's own inbox items only",
    "GET /notifications/preferences/": "the caller's own notification preferences",
    f"GET {NT}/unread": "the caller's own unread count",
    f"POST {NT}/inbox/read": "marks the caller's own inbox items only (ids of others are ignored)",
    f"GET {NT}/preferences": "the caller's own notification preferences",
    f"PUT {NT}/preferences": "the caller's own notification preferences",
    f"POST {NT}/broadcasts": "sends to the caller's own jurisdiction only (notifications tests)",
    "GET /exports/": "the caller's own exports",
    "GET /events/filters/": "keeps a filter of the caller's own (events casework tests)",
    "GET /events/filters/<int:filter_id>/delete": (
        "the caller's own filter; another's answers 404 (events casework tests)"
    ),
    f"GET {API}/casework/saved-filters": "the caller's own filters",
    f"POST {API}/casework/saved-filters": "keeps a filter of the caller's own",
    f"DELETE {API}/casework/saved-filters/{{filter_id}}": (
        "the caller's own filter; another's answers 404 (events casework tests)"
    ),
    "GET /exports/<int:job_id>/download": "the caller's own finished export (404 for others')",
    "GET /residents/": "public: a resident's report form, no jurisdiction",
    "GET /residents/reported/<str:number>/": (
        "public: the number, and the secret link only from the session that filed it"
    ),
    "GET /residents/status/": "public: the lookup form; by number, a public category's detail",
    "GET /residents/status/<str:number>/": (
        "public: a public category's detail; the rest only with the reporter's secret"
    ),
    "GET /residents/map/": "public: the map of recent reports of public categories",
    "GET /residents/map.json": "public: rounded reports of public categories, nothing personal",
    "GET /residents/report/nearby": "public: open public reports near a rounded point, masked",
    "GET /residents/outline.json": "public: district and subdistrict outlines, names only",
    "GET /residents/photos/<int:attachment_id>": "public: only staff-approved photos",
    "GET /residents/addresses.json": "public: standard addresses and their points, no one's data",
    "GET /residents/grid-worker/": "public: a grid's posted staff (上岗公示), name and duty phone",
    "GET /open311/v2/discovery.<fmt:fmt>": "public Open311: the endpoint's description",
    "GET /open311/v2/services.<fmt:fmt>": "public Open311: the catalogue, the same everywhere",
    "GET /open311/v2/services/<str:code>.<fmt:fmt>": "public Open311: one service's fields",
    "GET /open311/v2/requests.<fmt:fmt>": "public Open311: public categories, rounded; POST by key",
    "GET /open311/v2/requests/<str:number>.<fmt:fmt>": "public Open311: one public request",
    "GET /open311/v2/tokens/<str:token>.<fmt:fmt>": "public Open311: a token's request id",
    "GET /open311/v2/servicerequestupdates.<fmt:fmt>": "public Open311: public requests' steps",
}


FW = f"{API}/fieldwork"


def target_field_task(t: Targets, kind: str = "assigned") -> int:
    """A field task in the target grid, titled like the target event."""
    return field_task_create(
        actor=None, kind=kind, title="目标事件", grid=Node.objects.get(code=GRID)
    ).pk


def target_patrol(t: Targets) -> int:
    task = FieldTask.objects.unscoped().get(pk=target_field_task(t, "patrol"))
    return patrol_start(actor=User.objects.get(username="gw"), task=task).pk


def field_task_probe(path: str, method: str = "GET", **body: Any) -> Callable[[Targets], Probe]:
    return lambda t: Probe(
        "sibling_dispatcher",
        method,
        path.format(task=target_field_task(t)),
        body if method == "POST" else None,
    )


def patrol_probe(path: str, method: str = "GET", **body: Any) -> Callable[[Targets], Probe]:
    return lambda t: Probe(
        "sibling_dispatcher",
        method,
        path.format(patrol=target_patrol(t)),
        body if method == "POST" else None,
    )


def worker_only(url: str, method: str = "GET", **body: Any) -> Callable[[Targets], Probe]:
    """A grid worker's own page or write, asked by another jurisdiction's dispatcher."""
    return lambda t: Probe(
        "sibling_dispatcher", method, url, body if method == "POST" else None, expect=403
    )


MONTH = "first=2026-01-01&last=2026-01-31"
POINT = {"lon": 118.1, "lat": 31.7}
MATRIX.update(
    {
        "GET /fieldwork/": worker_only("/fieldwork/"),
        "GET /fieldwork/duty/": worker_only("/fieldwork/duty/"),
        "GET /fieldwork/log/": worker_only("/fieldwork/log/"),
        "GET /fieldwork/services/": worker_only("/fieldwork/services/"),
        "GET /fieldwork/tasks/<int:task_id>/": field_task_probe("/fieldwork/tasks/{task}/"),
        "GET /fieldwork/tasks/<int:task_id>/finding/": field_task_probe(
            "/fieldwork/tasks/{task}/finding/"
        ),
        "GET /fieldwork/tasks/<int:task_id>/patrol/": field_task_probe(
            "/fieldwork/tasks/{task}/patrol/"
        ),
        "GET /fieldwork/tasks/<int:task_id>/visit/": field_task_probe(
            "/fieldwork/tasks/{task}/visit/"
        ),
        "GET /fieldwork/assign/": own_listing("/fieldwork/assign/"),
        "GET /fieldwork/plans/": own_listing("/fieldwork/plans/"),
        "GET /fieldwork/care/": own_listing("/fieldwork/care/"),
        "GET /fieldwork/attendance/": node_page(f"/fieldwork/attendance/?node={COMMUNITY}"),
        "GET /fieldwork/logs/": node_page(f"/fieldwork/logs/?node={COMMUNITY}"),
        "GET /fieldwork/coverage/": node_page(f"/fieldwork/coverage/?node={COMMUNITY}"),
        f"GET {FW}/tasks": own_listing(f"{FW}/tasks"),
        f"POST {FW}/tasks": lambda t: Probe(
            "sibling_dispatcher", "POST", f"{FW}/tasks", {"title": "x", "grid": GRID}
        ),
        f"GET {FW}/tasks/{{task_id}}": field_task_probe(f"{FW}/tasks/{{task}}"),
        f"POST {FW}/tasks/{{task_id}}/complete": field_task_probe(
            f"{FW}/tasks/{{task}}/complete", "POST", note="x"
        ),
        f"POST {FW}/tasks/{{task_id}}/complete/with-photos": lambda t: Probe(
            "sibling_dispatcher",
            "POST",
            f"{FW}/tasks/{target_field_task(t)}/complete/with-photos",
            {"data": json.dumps({"note": "x"})},
            form=True,
        ),
        f"POST {FW}/tasks/{{task_id}}/cancel": field_task_probe(
            f"{FW}/tasks/{{task}}/cancel", "POST", reason="x"
        ),
        f"POST {FW}/tasks/{{task_id}}/finding": field_task_probe(
            f"{FW}/tasks/{{task}}/finding", "POST", category="0101", description="x", **POINT
        ),
        f"POST {FW}/tasks/{{task_id}}/patrol": field_task_probe(
            f"{FW}/tasks/{{task}}/patrol", "POST"
        ),
        f"POST {FW}/tasks/{{task_id}}/visit": field_task_probe(
            f"{FW}/tasks/{{task}}/visit", "POST", situation="x"
        ),
        f"GET {FW}/checkins": own_listing(f"{FW}/checkins"),
        f"POST {FW}/checkins": worker_only(f"{FW}/checkins", "POST", duty="start", **POINT),
        f"GET {FW}/attendance": node_page(f"{FW}/attendance?node={COMMUNITY}"),
        f"GET {FW}/leave": own_listing(f"{FW}/leave"),
        f"POST {FW}/leave": lambda t: Probe(
            "sibling_dispatcher",
            "POST",
            f"{FW}/leave",
            {"worker": "gw", "kind": "sick", "first_day": "2026-01-05", "last_day": "2026-01-06"},
        ),
        f"GET {FW}/patrol-plans": own_listing(f"{FW}/patrol-plans"),
        f"POST {FW}/patrol-plans": lambda t: Probe(
            "sibling_dispatcher",
            "POST",
            f"{FW}/patrol-plans",
            {"grid": GRID, "name": "x", "points": []},
        ),
        f"GET {FW}/patrols/{{patrol_id}}": patrol_probe(f"{FW}/patrols/{{patrol}}"),
        f"POST {FW}/patrols/{{patrol_id}}/checks": patrol_probe(
            f"{FW}/patrols/{{patrol}}/checks", "POST", **POINT
        ),
        f"POST {FW}/patrols/{{patrol_id}}/findings": patrol_probe(
            f"{FW}/patrols/{{patrol}}/findings", "POST", category="0101", description="x", **POINT
        ),
        f"POST {FW}/patrols/{{patrol_id}}/end": patrol_probe(
            f"{FW}/patrols/{{patrol}}/end", "POST", summary="x"
        ),
        f"GET {FW}/coverage": node_page(f"{FW}/coverage?node={COMMUNITY}&{MONTH}"),
        f"GET {FW}/care-plans": own_listing(f"{FW}/care-plans"),
        f"POST {FW}/care-plans": lambda t: Probe(
            "sibling_dispatcher",
            "POST",
            f"{FW}/care-plans",
            {"person_id": t.registry.person.pk, "category": "elderly_alone"},
        ),
        f"GET {FW}/logs/today": own_listing(f"{FW}/logs/today"),
        f"POST {FW}/logs": worker_only(f"{FW}/logs", "POST", notes="x"),
        f"GET {FW}/logs/missing": node_page(f"{FW}/logs/missing?node={COMMUNITY}&day=2026-01-05"),
        f"GET {FW}/logs/completeness": node_page(f"{FW}/logs/completeness?node={COMMUNITY}"),
        f"GET {FW}/services": own_listing(f"{FW}/services"),
        f"POST {FW}/services": lambda t: Probe(
            "sibling_dispatcher",
            "POST",
            f"{FW}/services",
            {"kind": "consultation", "grid": GRID, "person_name": "张三"},
        ),
        f"GET {FW}/services/counts": node_page(f"{FW}/services/counts?node={COMMUNITY}&{MONTH}"),
        f"GET {FW}/figures": node_page(f"{FW}/figures?node={COMMUNITY}&{MONTH}"),
    }
)


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def all_routes() -> set[str]:
    """Every page (as GET) and every API operation (with each of its methods)."""
    pages = {
        f"GET /{route}"
        for route in _walk(get_resolver().url_patterns)
        if not route.startswith(("admin/", "api/v1/"))
    }
    operations = {
        f"{method} {API}{prefix}{path}"
        for prefix, router in api._routers
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    return pages | operations


@pytest.fixture
def targets(tree: Any, users: dict[str, Any], settings: Any, tmp_path: Any) -> Targets:
    community, grid = tree[COMMUNITY], tree[GRID]
    staff = StaffMember.objects.create(
        name="目标网格员", kind=StaffKind.FULL_TIME, home_node=community
    )
    StaffAssignment.objects.create(staff=staff, grid=grid)
    group = WorkGroup.objects.create(name="目标工作组", node=community)
    group.grids.add(grid)
    member = WorkGroupMember.objects.create(group=group, role=GroupRole.LEADER, name="目标组长")
    jurisdiction_actions.layer_unit_upsert(
        actor=None,
        layer_kind=LayerKind.POLICE_BEAT,
        code=BEAT,
        name="目标警格",
        boundary=geojson(shapely.box(118.0, 31.5, 118.2, 32.0)),
    )
    jurisdiction_actions.overlaps_recompute(actor=None)
    token, _key = api_token_create(actor=users["dispatcher"], name="target")
    catalogue_load(actor=None, data=default_catalogue())
    settings.MEDIA_ROOT = str(tmp_path)
    event = event_report(
        actor=users["grid_worker"],
        category_code="0101",
        description="目标事件",
        lon=118.1,
        lat=31.7,
        photos=[SimpleUploadedFile("before.png", PNG, content_type="image/png")],
    )
    bureau = Department.objects.create(code="320104-cg", name="目标城管局", node=tree["320104"])
    whistle = whistle_blow(
        actor=users["dispatcher"],
        event_number=event.number,
        reason=WhistleReason.SEVERAL_DEPARTMENTS,
        department_codes=[bureau.code],
    )
    other = Department.objects.create(code="320105-cg", name="建邺城管局", node=tree["320105"])
    users["sibling_handler"] = make_user("dh2", Role.DEPARTMENT_HANDLER, department=other)
    users["sibling_system_admin"] = make_user("sa2", Role.SYSTEM_ADMIN, node=tree["320105"])
    users["sibling_security_admin"] = make_user("se2", Role.SECURITY_ADMIN, node=tree["320105"])
    targets = Targets(
        staff_id=staff.pk,
        group_id=group.pk,
        member_id=member.pk,
        token_id=token.pk,
        user_id=users["dispatcher"].pk,
        event_number=event.number,
        attachment_id=event.attachments.get().pk,
        whistle_id=whistle.pk,
        summons_id=whistle.summonses.get().pk,
        registry=make_records(users["community_staff"]),
        address=make_target_address().code,
        import_job=make_target_import_job(users["dispatcher"]).pk,
        verification_task=propose_phone(users["community_staff"]).pk,
        command=make_command_targets(users, tree["320104001"], grid, event),
        decision=_decision_targets(users),
    )
    campaign = campaign_define(
        actor=users["dispatcher"],
        title="目标事件排查",
        instructions="",
        form={"fields": [{"name": "a", "label": "目标事件问题", "type": "text"}]},
        target_kind="homes",
        areas=[COMMUNITY],
        due_at=timezone.now() + timedelta(days=1),
    )

    campaign_push(actor=users["dispatcher"], campaign_id=campaign.pk)
    while campaign_push_batch(campaign_id=campaign.pk, batch_size=100):
        pass
    targets.campaign_id = campaign.pk
    targets.campaign_target_id = campaign.targets.get().pk
    targets.campaign_task_id = FieldTask.objects.get(source_key__startswith="campaign:").pk
    return targets


def _decision_targets(users: dict[str, Any]) -> DecisionTargets:
    """A decision of the target community, third-party assessed, adjusted and followed up; and
    an assessor of the same district assigned to another decision, for the assessor's probes."""
    district = Node.objects.get(code="320104")
    engaged = make_assessor("tp-target", district, "目标评估机构")
    decision = register_decision(users["dispatcher"], COMMUNITY, title="目标决策")
    assessment = commission(users["dispatcher"], decision, engaged)
    complete(users["dispatcher"], assessment, engaged, level="low")
    decision_apply(actor=users["dispatcher"], decision_id=decision.pk, command="adjust", note="x")
    point = assessment.risk_points.get()
    mitigation = mitigation_add(
        actor=users["dispatcher"],
        risk_point_id=point.pk,
        measure="目标措施",
        owner="x",
        due_on=timezone.localdate(),
    )
    users["assessor"] = make_assessor("tp-other", district, "另一评估机构")
    elsewhere = register_decision(users["dispatcher"], "320104001", title="另一决策")
    commission(users["dispatcher"], elsewhere, users["assessor"])
    return DecisionTargets(
        decision_id=decision.pk,
        assessment_id=assessment.pk,
        risk_point_id=point.pk,
        mitigation_id=mitigation.pk,
        participant_id=Participant.objects.unscoped().get(consultation__assessment=assessment).pk,
    )


def _send(client: Client, probe: Probe) -> Any:
    """Every read a route makes of a scoped model, reading or writing, chose its scope, or it
    raises (ADR 0020): a write's own reads are where a leak would change another's data."""
    send = getattr(client, probe.method.lower())
    with scope_enforced():
        if probe.body is None:
            # Pages may redirect (a fragment URL opened directly, the tree to my node): follow.
            return send(probe.url, follow=True)
        if probe.form:
            return send(probe.url, probe.body)
        return send(probe.url, probe.body, content_type="application/json")


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_sibling_sees_nothing(route: str, targets: Targets, users: dict[str, Any]) -> None:
    probe = MATRIX[route](targets)
    client = Client()
    client.force_login(users[probe.caller], backend="gridgov.accounts.backends.RoleBackend")
    response = _send(client, probe)
    assert response.status_code == probe.expect, response.content[:300]
    body = response.content.decode()
    for secret in SECRET_NAMES:
        assert secret not in body
    if probe.shows_nothing_foreign:
        assert COMMUNITY not in body


def test_every_route_is_in_the_matrix() -> None:
    routes = all_routes()
    missing = routes - MATRIX.keys() - UNSCOPED.keys()
    assert not missing, f"routes without a scope check: {sorted(missing)}"
    stale = (MATRIX.keys() | UNSCOPED.keys()) - routes
    assert not stale, f"matrix entries for routes that no longer exist: {sorted(stale)}"


def _field_rows(t: Targets) -> dict[str, int]:
    """One row of each field-work table in the target grid, written as the actions would."""
    grid, worker = Node.objects.get(code=GRID), User.objects.get(username="gw")
    person, now, today = t.registry.person, timezone.now(), timezone.localdate()
    task = FieldTask.objects.unscoped().get(pk=target_field_task(t, "visit"))
    plan = PatrolPlan.objects.create(
        grid=grid, name="目标巡查", starts_on=today, created_by=worker, created_at=now
    )
    care = CarePlan.objects.create(
        person=person, grid=grid, category="elderly_alone", next_due=today, created_at=now
    )
    return {
        "patrolplan": plan.pk,
        "careplan": care.pk,
        "visit": Visit.objects.create(
            task=task, plan=care, person=person, grid=grid, visitor=worker, at=now
        ).pk,
        "serviceentry": ServiceEntry.objects.create(
            worker=worker, grid=grid, kind="consultation", person_label="张*", at=now
        ).pk,
        "checkin": CheckIn.objects.create(
            user=worker, node=grid, duty="start", at=now, lon=118.1, lat=31.7
        ).pk,
        "leave": Leave.objects.create(
            worker=worker,
            kind="annual",
            first_day=today,
            last_day=today,
            entered_by=worker,
            entered_at=now,
        ).pk,
    }


def _field_row(name: str, t: Targets) -> int:
    return _field_rows(t)[name]


FIELD_ADMIN_TARGETS: dict[str, Callable[[Targets], Any]] = {
    "fieldtask": target_field_task,
    "patrol": target_patrol,
    **{
        name: partial(_field_row, name)
        for name in ("patrolplan", "careplan", "visit", "serviceentry", "checkin", "leave")
    },
}


# The admin: every registered ModelAdmin's object inside the target subtree, by its primary key.
ADMIN_MATRIX: dict[str, Callable[[Targets], Any]] = {
    "accounts.user": lambda t: t.user_id,
    "accounts.apitoken": lambda t: t.token_id,
    "axes.accessattempt": lambda t: AccessAttempt.objects.create(
        username="sd", ip_address="10.0.0.1", user_agent="", http_accept="", path_info="/",
        get_data="", post_data="", failures_since_start=1,
    ).pk,
    "axes.accesslog": lambda t: AccessLog.objects.create(
        username="sd", ip_address="10.0.0.1", user_agent="", http_accept="", path_info="/"
    ).pk,
    "axes.accessfailurelog": lambda t: AccessFailureLog.objects.create(
        username="sd", ip_address="10.0.0.1", user_agent="", http_accept="", path_info="/"
    ).pk,
    "audit.auditentry": lambda t: AuditEntry.objects.filter(actor_id=t.user_id).first().pk,  # type: ignore[union-attr]
    "jurisdiction.node": lambda t: Node.objects.get(code=COMMUNITY).pk,
    "jurisdiction.layerunit": lambda t: LayerUnit.objects.get(code=BEAT).pk,
    "jurisdiction.gridoverlap": lambda t: GridOverlap.objects.filter(grid__code=GRID).first().pk,  # type: ignore[union-attr]
    "departments.department": lambda t: Department.objects.get(code="320104-cg").pk,
    "staffing.staffmember": lambda t: t.staff_id,
    "staffing.workgroup": lambda t: t.group_id,
    "events.event": lambda t: Event.objects.get(number=t.event_number).pk,
    "events.eventattachment": lambda t: t.attachment_id,
    "whistle.whistle": lambda t: t.whistle_id,
    "decisions.decision": lambda t: t.decision.decision_id,
    "assessment.indicatordaily": lambda t: IndicatorDaily.objects.create(
        day=timezone.localdate(), unit_kind=UnitKind.NODE, node=Node.objects.get(code=COMMUNITY)
    ).pk,
    "assessment.handlingscore": lambda t: HandlingScore.objects.create(
        event=Event.objects.get(number=t.event_number), score=5, by_id=t.user_id,
        at=timezone.now(),
    ).pk,
    "addresses.road": lambda t: Address.objects.get(code=t.address).road_id,
    "addresses.address": lambda t: Address.objects.get(code=t.address).pk,
    "registry.person": lambda t: t.registry.person.pk,
    "registry.household": lambda t: t.registry.household.pk,
    "registry.home": lambda t: t.registry.home.pk,
    "registry.tenancy": lambda t: t.registry.tenancy.pk,
    "registry.organisation": lambda t: t.registry.organisation.pk,
    "registry.compound": lambda t: t.registry.compound.pk,
    "rentals.rentalcase": target_rental_case,
    "reports.report": target_report,
    "verification.verificationtask": lambda t: t.verification_task,
    "inspections.venue": lambda t: inspection_targets(t).venue,
    "inspections.inspection": lambda t: inspection_targets(t).inspection,
    "inspections.rectification": lambda t: inspection_targets(t).rectification,
    **{f"fieldwork.{name}": make for name, make in FIELD_ADMIN_TARGETS.items()},
    "campaigns.campaign": lambda t: t.campaign_id,
    "campaigns.target": lambda t: t.campaign_target_id,
    "open311.clientapplication": lambda t: ClientApplication.objects.create(
        name="目标应用", digest="0" * 64, prefix="target", node=Node.objects.get(code=COMMUNITY)
    ).pk,
}  # fmt: skip


# The other district has a 北街道一社区 of its own: name the target's in full.
ADMIN_SECRET_NAMES = (*(n for n in SECRET_NAMES if n != "北街道一社区"), "秦淮区北街道一社区")


def admin_of(app_label: str, node: Node) -> User:
    """An administrator whose role manages the app, at the node; a superuser where no role does."""
    for role, (full, view) in ADMIN_APP_ACCESS.items():
        if app_label in full | view:
            return make_user(f"{role}-{node.code}", role, node=node)
    user = make_user(f"super-{node.code}", Role.SYSTEM_ADMIN, node=node)
    user.is_superuser = True
    user.save()
    return user


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="gridgov.accounts.backends.RoleBackend")
    return client


@pytest.mark.parametrize("label", sorted(ADMIN_MATRIX))
def test_admin_of_another_district_sees_nothing(label: str, targets: Targets, tree: Tree) -> None:
    pk = ADMIN_MATRIX[label](targets)
    model = apps.get_model(label)
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    change = f"{base}{quote(pk)}/change/"
    # The target's own district sees it, so the probes below can fail.
    own = logged_in(admin_of(model._meta.app_label, tree["320104"]))
    listing = own.get(base)
    assert listing.status_code == 200
    assert listing.context["cl"].queryset.filter(pk=pk).exists()
    assert own.get(change).status_code == 200

    sibling = logged_in(admin_of(model._meta.app_label, tree["320105"]))
    listing = sibling.get(base)
    assert listing.status_code == 200
    assert not listing.context["cl"].queryset.filter(pk=pk).exists()
    body = listing.content.decode()  # nor in a filter's choices
    for secret in (*ADMIN_SECRET_NAMES, COMMUNITY):
        assert secret not in body
    for page in (change, f"{base}{quote(pk)}/history/", f"{base}{quote(pk)}/delete/"):
        assert sibling.get(page).status_code in {403, 404}, page
    before = list(model._default_manager.filter(pk=pk).values())
    for action in [*(admin.site._registry[model].actions or []), "delete_selected"]:
        sibling.post(base, {"action": action, "_selected_action": [pk], "post": "yes"})
    assert list(model._default_manager.filter(pk=pk).values()) == before, "an action reached it"


# Autocomplete answers from the related model's admin: (source model, its field, a search term).
AUTOCOMPLETE = [
    ("registry.tenancy", "person", "目标"),
    ("staffing.staffmember", "home_node", "北街道一社区"),
    ("events.eventattachment", "event", ""),
]


@pytest.mark.parametrize(("source", "field", "term"), AUTOCOMPLETE)
def test_admin_autocomplete_of_another_district_finds_nothing(
    source: str, field: str, term: str, targets: Targets, tree: Tree, users: dict[str, Any]
) -> None:
    model = apps.get_model(source)
    remote_admin = admin.site._registry[model._meta.get_field(field).related_model]
    assert isinstance(remote_admin, ScopedAdmin)
    # The target's side: what the target subdistrict's own dispatcher may see.
    target_side = {
        str(pk) for pk in remote_admin.visible(users["dispatcher"]).values_list("pk", flat=True)
    }
    query = {
        "app_label": model._meta.app_label,
        "model_name": model._meta.model_name,
        "field_name": field,
        "term": term,
    }

    def found(node: str) -> set[str]:
        client = logged_in(admin_of(model._meta.app_label, tree[node]))
        response = client.get("/admin/autocomplete/", query)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert found("320104") & target_side  # the control: the own district finds the target
    assert not found("320105") & target_side


def test_every_admin_is_in_the_matrix() -> None:
    registered = {model._meta.label_lower for model in admin.site._registry}
    missing = registered - ADMIN_MATRIX.keys() - ADMIN_UNSCOPED.keys()
    assert not missing, f"admins without a scope check: {sorted(missing)}"
    stale = (ADMIN_MATRIX.keys() | ADMIN_UNSCOPED.keys()) - registered
    assert not stale, f"matrix entries for admins that no longer exist: {sorted(stale)}"


# What a limited account may be answered: nothing found, not allowed, or a page of its own.
ASSESSOR_ANSWERS = {200, 403, 404}


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_an_assessor_reaches_nothing_unassigned(
    route: str, targets: Targets, users: dict[str, Any]
) -> None:
    """A third-party assessor of the target's own district, assigned another decision, asks
    every route the sibling asks: its scope is its assignments and fails closed, so it finds
    neither the target decision nor anything else of the district's tree."""
    probe = MATRIX[route](targets)
    client = Client()
    client.force_login(users["assessor"], backend="gridgov.accounts.backends.RoleBackend")
    response = _send(client, probe)
    assert response.status_code in ASSESSOR_ANSWERS, response.content[:300]
    if probe.body is not None:
        assert response.status_code != 200 or probe.expect == 200, response.content[:300]
    body = response.content.decode()
    for secret in (*SECRET_NAMES, "目标评估机构"):
        assert secret not in body
    if probe.shows_nothing_foreign:
        assert COMMUNITY not in body
