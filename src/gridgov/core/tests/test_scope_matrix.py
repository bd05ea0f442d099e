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
from dataclasses import dataclass
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
from gridgov.core.admin_scope import UNSCOPED as ADMIN_UNSCOPED
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.departments.models import Department
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.actions.intake import event_report
from gridgov.events.models import Event
from gridgov.exchange.tests.factories import make_target_import_job
from gridgov.jurisdiction import actions as jurisdiction_actions
from gridgov.jurisdiction.models import GridOverlap, LayerKind, LayerUnit, Node
from gridgov.jurisdiction.scope import scope_enforced
from gridgov.notifications.actions import notice_send
from gridgov.open311.models import ClientApplication
from gridgov.registry.tests.factories import ID_NUMBER, Records, make_records
from gridgov.staffing.models import (
    GroupRole,
    StaffAssignment,
    StaffKind,
    StaffMember,
    WorkGroup,
    WorkGroupMember,
)
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.images import PNG
from gridgov.testing.insight import make_target_notice
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
W = f"{API}/whistle"
A = f"{API}/assessment"
RG = f"{API}/registry"
AD = f"{API}/addresses"
X = f"{API}/exchange"
VF = f"{API}/verification"
NT = f"{API}/notifications"
IN = f"{API}/insight"


def target_inbox_item(t: Targets) -> int:
    """A notice in the target dispatcher's inbox, named like the target event."""
    notice = notice_send(kind="broadcast", key="scope", title="目标事件", recipients=[t.user_id])
    return notice.inbox.get().pk


MATRIX: dict[str, Callable[[Targets], Probe]] = {
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
    "GET /events/map.geojson": node_page(f"/events/map.geojson?node={COMMUNITY}"),
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
    "GET /events/<str:number>/extension-preview": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/events/{t.event_number}/extension-preview?amount=1&unit=day"
    ),
    "GET /events/<str:number>/photos/<int:attachment_id>": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/events/{t.event_number}/photos/{t.attachment_id}"
    ),
    "GET /whistle/": own_listing("/whistle/"),
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
    "GET /assessment/staffing/": node_page(f"/assessment/staffing/?code={COMMUNITY}"),
    # Insight: the panorama, prompt notices, departments' monthly figures.
    "GET /insight/": own_listing("/insight/"),
    "GET /insight/areas/<str:code>/": node_page(f"/insight/areas/{COMMUNITY}/"),
    "GET /insight/notices/": own_listing("/insight/notices/"),
    "GET /insight/notices/<int:notice_id>/": lambda t: Probe(
        "sibling_dispatcher", "GET", f"/insight/notices/{make_target_notice(COMMUNITY)}/"
    ),
    "GET /insight/figures/": own_listing("/insight/figures/", "sibling_handler"),
    f"GET {IN}/panorama": node_page(f"{IN}/panorama?code={COMMUNITY}&month=2026-11-01"),
    f"GET {IN}/indices/{{code}}/values": node_page(f"{IN}/indices/safety/values?node={COMMUNITY}"),
    f"GET {IN}/notices": own_listing(f"{IN}/notices"),
    f"GET {IN}/notices/{{notice_id}}": lambda t: Probe(
        "sibling_dispatcher", "GET", f"{IN}/notices/{make_target_notice(COMMUNITY)}"
    ),
    f"POST {IN}/notices/{{notice_id}}/{{command}}": lambda t: Probe(
        "sibling_commander", "POST", f"{IN}/notices/{make_target_notice(COMMUNITY)}/issue", {}
    ),
    f"PUT {IN}/figures": lambda t: Probe(
        "sibling_handler",
        "PUT",
        f"{IN}/figures",
        {"kind": "crime", "area": COMMUNITY, "month": "2026-11-01", "value": 1},
    ),
}

# Routes with nothing of a jurisdiction in them, and why.
UNSCOPED: dict[str, str] = {
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
    f"GET {IN}/measures": "the measure registry is the same everywhere",
    f"GET {IN}/indices": "index definitions are the same everywhere (values are scoped)",
    "GET /notifications/read-all/": "marks the caller's own inbox items only",
    "GET /notifications/preferences/": "the caller's own notification preferences",
    f"GET {NT}/unread": "the caller's own unread count",
    f"POST {NT}/inbox/read": "marks the caller's own inbox items only (ids of others are ignored)",
    f"GET {NT}/preferences": "the caller's own notification preferences",
    f"PUT {NT}/preferences": "the caller's own notification preferences",
    f"POST {NT}/broadcasts": "sends to the caller's own jurisdiction only (notifications tests)",
    "GET /exports/": "the caller's own exports",
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
    return Targets(
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
    )


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_sibling_sees_nothing(route: str, targets: Targets, users: dict[str, Any]) -> None:
    probe = MATRIX[route](targets)
    client = Client()
    client.force_login(users[probe.caller], backend="gridgov.accounts.backends.RoleBackend")
    send = getattr(client, probe.method.lower())
    if probe.body is None:
        # Pages may redirect (a fragment URL opened directly, the tree to my node): follow.
        # Every read a page makes of a scoped model chose its scope, or it raises (ADR 0020).
        with scope_enforced():
            response = send(probe.url, follow=True)
    elif probe.form:
        response = send(probe.url, probe.body)
    else:
        response = send(probe.url, probe.body, content_type="application/json")
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
    "verification.verificationtask": lambda t: t.verification_task,
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
