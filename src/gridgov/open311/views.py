"""Open311 GeoReport v2 under /open311/v2/, in JSON and XML, exactly as the specification
and FixMyStreet's extensions name things; docs/adr/0009 says why it is not in the ninja API.

Errors are the specification's list of {code, description} with the HTTP status as code.
POST needs a registered client's api_key and answers, beside the id, the reporter's secret
link (status_url); reads are public, rate-limited per address, or per key when one is sent.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.core.errors import DomainError, InvalidInput, NotFound, Problem
from gridgov.events.actions.residents import event_resident_report
from gridgov.events.catalogue import Severity, extra_number
from gridgov.events.models import Category, Channel, Event, EventTransition
from gridgov.events.photos import Upload
from gridgov.events.workflow import STATES, Command, Status
from gridgov.jurisdiction.models import Node
from gridgov.open311 import actions, selectors
from gridgov.open311.models import ClientApplication
from gridgov.public.actions import TooManyRequests, rate_take
from gridgov.public.requests import client_ip, hashed, secret_link
from gridgov.residents.actions import resident_secret_issue
from gridgov.residents.selectors import (
    address_point,
    public_point,
    public_root,
    public_state,
    updated_at,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00+08:00"
MAX_DAYS = 90
DEFAULT_READS_PER_MINUTE = 120
XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"

# Open311 datatypes for the catalogue's field types; photos come as media, not attributes.
DATATYPES = {"text": "string", "number": "number", "choice": "singlevaluelist", "date": "datetime"}


class Open311Error(Exception):
    def __init__(self, status: int, descriptions: Iterable[str | Promise]) -> None:
        super().__init__(status)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


# Rendering ------------------------------------------------------------------------------------


def stamp(value: datetime | None) -> str | None:
    """RFC 3339 in the deployment's zone: 2026-03-15T10:04:05+08:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _xml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _to_xml(parent: Element, name: str, value: Any, item_names: dict[str, str]) -> None:
    node = SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _to_xml(node, key, inner, item_names)
    elif isinstance(value, list):
        for inner in value:
            _to_xml(node, item_names[name], inner, item_names)
    elif value is not None:
        node.text = _xml_value(value)


# The element names of list items, by the name of the list (the specification's XML).
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_request_updates": "request_update",
}


def respond(fmt: str, root: str, body: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return HttpResponse(text.encode(), content_type=JSON_TYPE, status=status)
    tree = Element(root)
    items = body if isinstance(body, list) else [body]
    if isinstance(body, list):
        for item in items:
            _to_xml(tree, ITEMS[root], item, ITEMS)
    else:
        for key, value in body.items():
            _to_xml(tree, key, value, ITEMS)
    data = tostring(tree, encoding="utf-8", xml_declaration=True)
    return HttpResponse(data, content_type=XML_TYPE, status=status)


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    body = [{"code": error.status, "description": d} for d in error.descriptions]
    return respond(fmt if fmt in ("json", "xml") else "xml", "errors", body, error.status)


def open311_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every failure as the specification's error list, in the format asked for."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        fmt = str(kwargs.get("fmt", "xml"))
        try:
            return view(request, **kwargs)
        except Open311Error as exc:
            return error_response(fmt, exc)
        except TooManyRequests as exc:
            return error_response(fmt, Open311Error(429, [exc.message]))
        except NotFound as exc:
            return error_response(fmt, Open311Error(404, [exc.message]))
        except DomainError as exc:
            return error_response(fmt, Open311Error(400, _descriptions(exc)))

    return wrapper


def _descriptions(exc: DomainError) -> list[str]:
    if not exc.problems:
        return [str(exc.message)]
    return [_problem_text(p) for p in exc.problems]


def _problem_text(problem: Problem) -> str:
    if not problem.field:
        return str(problem.message)
    if problem.field.startswith("extra."):
        where = f"attribute[{problem.field.removeprefix('extra.')}]"
    else:
        where = OUR_FIELDS.get(problem.field, problem.field)
    return f"{where}: {problem.message}"


# Our field names in problems, as the Open311 parameters that carried them.
OUR_FIELDS = {
    "category": "service_code",
    "location": "lat/long",
    "points": "lat/long",
    "contact_phone": "phone",
    "contact_name": "first_name/last_name",
    "photos": "media",
    "description": "description",
    "address": "address_string",
}


# Parameters -----------------------------------------------------------------------------------


def _client(request: HttpRequest, params: Any, *, required: bool) -> ClientApplication | None:
    key = str(params.get("api_key", ""))
    client = selectors.client_by_key(key)
    if client is None and (required or key):
        raise Open311Error(403, [_("api_key is missing or not valid.")])
    if client is not None:
        rate_take(bucket=f"open311-key:{client.pk}", limit=client.requests_per_hour, seconds=3600)
        actions.client_count_use(client=client, requests=1)
    else:
        rate_take(
            bucket=f"open311-ip:{hashed(client_ip(request))}",
            limit=int(getattr(settings, "OPEN311_READS_PER_MINUTE", DEFAULT_READS_PER_MINUTE)),
            seconds=60,
        )
    return client


def _jurisdiction(params: Any) -> str:
    code = str(params.get("jurisdiction_id", "")).strip()
    if code and code not in selectors.jurisdiction_codes():
        raise Open311Error(404, [_("jurisdiction_id %(id)s was not found.") % {"id": code}])
    return code


def _date(params: Any, name: str) -> datetime | None:
    raw = str(params.get(name, "")).strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        value = None
    if value is None or timezone.is_naive(value):
        raise Open311Error(
            400,
            [
                _("%(name)s is a date and time with its offset, e.g. 2026-01-01T00:00:00+08:00.")
                % {"name": name}
            ],
        )
    return value


def _range(params: Any) -> tuple[datetime, datetime]:
    start, end = _date(params, "start_date"), _date(params, "end_date")
    span = timedelta(days=MAX_DAYS)
    if start is None:
        end = end or timezone.now()
        start = end - span
    elif end is None:
        end = start + span
    if end < start:
        raise Open311Error(400, [_("end_date is before start_date.")])
    if end - start > span:
        raise Open311Error(
            400, [_("start_date and end_date may span at most %(n)d days.") % {"n": MAX_DAYS}]
        )
    return start, end


def _positive(params: Any, name: str, default: int, most: int) -> int:
    raw = str(params.get(name, "")).strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise Open311Error(
            400, [_("%(name)s is a whole number from 1 to %(n)d.") % {"name": name, "n": most}]
        )
    return int(raw)


def _listed(params: Any, name: str) -> list[str]:
    return [v.strip() for v in str(params.get(name, "")).split(",") if v.strip()]


# Records --------------------------------------------------------------------------------------


def request_record(request: HttpRequest, event: Event) -> dict[str, Any]:
    """One public request as Open311 shows it: the text masked, the point rounded, no
    address."""
    state, note = public_state(event)
    lon, lat = public_point(event)
    photos = getattr(event, "public_photos", [])
    return {
        "service_request_id": event.number,
        "status": state,
        "status_notes": note,
        "service_name": event.category.name,
        "service_code": event.category.code,
        "description": event.public_description,
        "agency_responsible": (
            event.assigned_department.name if event.assigned_department else None
        ),
        "service_notice": None,
        "requested_datetime": stamp(event.reported_at or event.created_at),
        "updated_datetime": stamp(updated_at(event)),
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": (
            request.build_absolute_uri(reverse("residents:photo", args=[photos[0].pk]))
            if photos
            else None
        ),
    }


def service_record(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.name,
        "metadata": any(spec["type"] in DATATYPES for spec in category.extra_fields),
        "type": "realtime",
        "keywords": None,
        "group": category.parent.name if category.parent else None,
    }


def attribute_records(category: Category) -> list[dict[str, Any]]:
    records = []
    for order, spec in enumerate(
        (s for s in category.extra_fields if s["type"] in DATATYPES), start=1
    ):
        record: dict[str, Any] = {
            "variable": True,
            "code": spec["code"],
            "datatype": DATATYPES[spec["type"]],
            "required": bool(spec.get("required")),
            "datatype_description": _("A date, YYYY-MM-DD.") if spec["type"] == "date" else None,
            "order": order,
            "description": spec["label"],
        }
        if spec["type"] == "choice":
            record["values"] = [{"key": c, "name": c} for c in spec["choices"]]
        records.append(record)
    return records


# Views ----------------------------------------------------------------------------------------


@require_GET
@open311_view
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"]))
    body = {
        "changeset": CHANGESET,
        "contact": str(getattr(settings, "OPEN311_CONTACT", "")) or None,
        "key_service": _("Ask the platform's administrators to register your application."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rsplit("/", 1)[0],
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", body)


@require_GET
@open311_view
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    _client(request, request.GET, required=False)
    _jurisdiction(request.GET)
    return respond(fmt, "services", [service_record(c) for c in selectors.services()])


@require_GET
@open311_view
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    _client(request, request.GET, required=False)
    _jurisdiction(request.GET)
    category = selectors.service_get(code)
    if category is None:
        raise Open311Error(404, [_("service_code %(code)s was not found.") % {"code": code}])
    body = {"service_code": category.code, "attributes": attribute_records(category)}
    return respond(fmt, "service_definition", body)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    _client(request, params, required=False)
    jurisdiction = _jurisdiction(params)
    numbers = _listed(params, "service_request_id")
    if numbers:
        events = selectors.requests_by_id(numbers, jurisdiction)
    else:
        statuses = _listed(params, "status")
        if set(statuses) - {"open", "closed"}:
            raise Open311Error(400, [_("status is open, closed or both, comma-separated.")])
        start, end = _range(params)
        events = selectors.requests_list(
            selectors.RequestFilter(
                start=start,
                end=end,
                service_codes=_listed(params, "service_code"),
                statuses=statuses,
                jurisdiction=jurisdiction,
                page=_positive(params, "page", 1, 1_000_000),
                page_size=_positive(
                    params, "page_size", selectors.MAX_PAGE_SIZE, selectors.MAX_PAGE_SIZE
                ),
            )
        )
    return respond(fmt, "service_requests", [request_record(request, e) for e in events])


@require_GET
@open311_view
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    _client(request, request.GET, required=False)
    found = selectors.requests_by_id([number], _jurisdiction(request.GET))
    if not found:
        raise Open311Error(404, [_("service_request_id %(id)s was not found.") % {"id": number}])
    return respond(fmt, "service_requests", [request_record(request, found[0])])


@require_GET
@open311_view
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    _client(request, request.GET, required=False)
    event = selectors.request_by_token(token)
    if event is None:
        raise Open311Error(404, [_("token %(token)s was not found.") % {"token": token}])
    return respond(fmt, "service_requests", [{"service_request_id": event.number, "token": token}])


@require_GET
@open311_view
def updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """FixMyStreet's servicerequestupdates: every change of state of public requests."""
    params = request.GET
    _client(request, params, required=False)
    jurisdiction = _jurisdiction(params)
    start, end = _range(params)
    body = [
        _update_record(request, step) for step in selectors.updates_list(start, end, jurisdiction)
    ]
    return respond(fmt, "service_request_updates", body)


def _update_record(request: HttpRequest, step: EventTransition) -> dict[str, Any]:
    event = step.event
    event.status = step.to_status
    status = "reopen" if step.command == Command.REOPEN else STATES[Status(step.to_status)].open311
    photos = getattr(step, "public_photos", [])
    return {
        "update_id": str(step.pk),
        "service_request_id": event.number,
        "status": status,
        "updated_datetime": stamp(step.at),
        "description": public_state(event)[1],
        "media_url": (
            request.build_absolute_uri(reverse("residents:photo", args=[photos[0].pk]))
            if photos
            else None
        ),
    }


# Posting a request ----------------------------------------------------------------------------


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    client = _client(request, params, required=True)
    if client is None:
        raise Open311Error(403, [_("api_key is missing or not valid.")])
    jurisdiction = _jurisdiction(params)
    code = str(params.get("service_code", "")).strip()
    if not code:
        raise Open311Error(400, [_("service_code was not provided.")])
    category = selectors.service_get(code)
    if category is None:
        raise Open311Error(404, [_("service_code %(code)s was not found.") % {"code": code}])
    within = _bound(client, jurisdiction)
    point = _point(params, within)
    extra = _attributes(params, category)
    key = str(params.get("token", "")).strip() or uuid.uuid4().hex
    first, last = str(params.get("first_name", "")), str(params.get("last_name", ""))
    try:
        # The report and its reporter's secret, or neither, as on the residents' page.
        with transaction.atomic():
            event, created = event_resident_report(
                within=within,
                channel=Channel.API,
                source_system="open311",
                idempotency_key=key,
                category_code=code,
                description=str(params.get("description", "")),
                lon=point[0],
                lat=point[1],
                extra=extra,
                address=str(params.get("address_string", ""))[:200],
                photos=list[Upload](request.FILES.getlist("media")),
                contact_name=(last + first).strip() or first.strip(),
                contact_phone=str(params.get("phone", "")),
            )
            secret = resident_secret_issue(event=event)
    except InvalidInput as exc:
        raise Open311Error(400, _descriptions(exc)) from exc
    if created:
        actions.client_count_use(client=client, reports=1)
    notice = (
        _("This is not an emergency line: for an emergency call 110 or 119 now.")
        if category.severity == Severity.URGENT
        else public_state(event)[1]
    )
    body = [
        {
            "service_request_id": event.number,
            "service_notice": notice,
            "account_id": None,
            # Not in GeoReport v2: the reporter's own link, for the client to hand on; it
            # alone lets them rate, complain, or see a report of a category not public.
            "status_url": secret_link(request, event.number, secret),
        }
    ]
    return respond(fmt, "service_requests", body, 201 if created else 200)


def _bound(client: ClientApplication, jurisdiction: str) -> Node:
    """The narrower of the client's area and the named jurisdiction; a point must lie in it."""
    root = client.node or public_root()
    if jurisdiction:
        named = selectors.node_named(jurisdiction)
        if named.code.startswith(root.code):
            return named
        if not root.code.startswith(named.code):
            raise Open311Error(
                400, [_("jurisdiction_id lies outside the area this application serves.")]
            )
    return root


def _point(params: Any, within: Node) -> tuple[float, float]:
    lat, lon = str(params.get("lat", "")).strip(), str(params.get("long", "")).strip()
    if lat or lon:
        try:
            return float(lon), float(lat)
        except ValueError as exc:
            raise Open311Error(400, [_("lat and long are decimal degrees (WGS84).")]) from exc
    address_id = str(params.get("address_id", "")).strip()
    text = str(params.get("address_string", "")).strip()
    if not address_id and not text:
        raise Open311Error(400, [_("lat/long, address_string, or address_id were not provided.")])
    point = address_point(within, text=text, code=address_id)
    if point is None:
        name = "address_id" if address_id else "address_string"
        raise Open311Error(
            400, [_("%(name)s could not be found in this jurisdiction.") % {"name": name}]
        )
    return point


def _attributes(params: Any, category: Category) -> dict[str, Any]:
    """attribute[code] values, typed by the category's fields; the action checks them."""
    values: dict[str, Any] = {}
    known = {spec["code"]: spec for spec in category.extra_fields}
    problems = []
    for name in params:
        if not (name.startswith("attribute[") and name.endswith("]")):
            continue
        code = name[len("attribute[") : -1]
        raw = str(params.get(name, "")).strip()
        spec = known.get(code)
        if spec is None or not raw:
            values[code] = raw
            continue
        if spec["type"] == "number":
            try:
                values[code] = extra_number(raw)
            except ValueError:
                problems.append(
                    _("attribute[%(code)s]: %(label)s is a number.")
                    % {"code": code, "label": spec["label"]}
                )
        elif spec["type"] == "date":
            values[code] = raw[:10]
        else:
            values[code] = raw
    if problems:
        raise Open311Error(400, problems)
    return {k: v for k, v in values.items() if v != ""}
