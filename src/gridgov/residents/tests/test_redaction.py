"""Identifiers typed into a report's text never reach a public answer: Open311 JSON and XML,
the residents' status page (with and without the reporter's secret) and map data. The texts
are generated, with the identifiers written the ways people write them."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from gridgov.accounts.models import User
from gridgov.events.actions.intake import event_hotline_report
from gridgov.events.actions.residents import event_resident_report
from gridgov.events.models import Channel, Event
from gridgov.jurisdiction.models import Node
from gridgov.residents.actions import resident_secret_issue
from gridgov.testing.tree import HERE

pytestmark = pytest.mark.django_db

V2 = "/open311/v2"
HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=8)
DIGIT = st.sampled_from("0123456789")
SEPARATORS = st.sampled_from([" ", "-", "－", "\u3000", "—"])


def _digits(first: str, count: int) -> st.SearchStrategy[str]:
    return st.builds(lambda d: first + "".join(d), st.lists(DIGIT, min_size=count, max_size=count))


# The identifiers, as digits with the places a person may break them: anywhere in a mobile,
# an ID or a card; a landline after its area code and in the middle of the local number.
MOBILE = st.builds(
    lambda prefix, second, rest: (
        prefix + "1" + rest.replace("x", second, 1),
        set(range(len(prefix), len(prefix) + 11)),
    ),
    st.sampled_from(["", "+86", "86"]),
    st.sampled_from("3456789"),
    _digits("x", 9),
)
ID18 = st.builds(lambda d, x: (d + x, None), _digits("3", 16), st.sampled_from("0123456789X"))
ID15 = st.builds(lambda d: (d, None), _digits("3", 14))
CARD = st.integers(16, 19).flatmap(lambda n: st.builds(lambda d: (d, None), _digits("6", n - 1)))
LANDLINE = st.builds(
    lambda area, local: (area + local, {len(area), len(area) + len(local) - 4}),
    st.sampled_from(["", "025", "0512"]),
    st.one_of(_digits("8", 7), _digits("5", 6)),
)


@st.composite
def written(draw: st.DrawFn) -> tuple[str, str]:
    """(as typed, the digits that must not appear)."""
    digits, breaks = draw(st.one_of(MOBILE, ID18, ID15, CARD, LANDLINE))
    places = (breaks if breaks is not None else set(range(2, len(digits)))) - {0}
    chosen = draw(st.sets(st.sampled_from(sorted(places)), max_size=4)) if places else set()
    typed = ""
    for at, char in enumerate(digits):
        if at in chosen:
            typed += draw(SEPARATORS)
        wide = char.isdigit() and draw(st.booleans())
        typed += chr(ord(char) + 0xFEE0) if wide else char
    return typed, digits.removeprefix("+")


EMAIL = st.builds(
    lambda user, host: (f"{user}@{host}.com", f"{user}@{host}.com"),
    st.from_regex(r"[a-z][a-z0-9._]{2,10}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{2,8}", fullmatch=True),
)


def _folded(text: str) -> str:
    """The answer as digits and letters only, so a number broken by separators is found."""
    wide = "".join(chr(c) for c in range(0xFF10, 0xFF1A))
    text = text.translate(str.maketrans(wide, "0123456789"))
    return re.sub(r"[\s\-－—]", "", text)


def _report(root: Node, description: str, category: str = "0202") -> Event:
    event, _created = event_resident_report(
        within=root,
        channel=Channel.SNAP_REPORT,
        source_system="residents",
        idempotency_key=uuid.uuid4().hex,
        category_code=category,
        description=description,
        lon=HERE[0],
        lat=HERE[1],
    )
    return event


def _answers(client: Client, event: Event) -> list[str]:
    """Every public answer about this one event (earlier examples' events stay in the
    database, and a failure must name the text that caused it)."""
    number, secret = event.number, resident_secret_issue(event=event)
    features = client.get("/residents/map.json").json()["features"]
    mine = [f for f in features if f["properties"]["number"] == number]
    assert len(mine) == 1
    return [
        client.get(f"{V2}/requests/{number}.json").content.decode(),
        client.get(f"{V2}/requests/{number}.xml").content.decode(),
        client.get(f"{V2}/requests.json", {"service_request_id": number}).content.decode(),
        client.get(f"/residents/status/{number}/").content.decode(),
        client.get(f"/residents/status/{number}/?k={secret}").content.decode(),
        json.dumps(mine, ensure_ascii=False),
    ]


@examples(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    parts=st.lists(st.tuples(HAN, st.one_of(written(), EMAIL)), min_size=1, max_size=3),
    tail=HAN,
)
def test_identifiers_in_a_report_never_reach_a_public_answer(
    catalogue: None, settings: Any, parts: list[tuple[str, tuple[str, str]]], tail: str
) -> None:
    settings.OPEN311_READS_PER_MINUTE = 0
    settings.RESIDENT_LOOKUPS_PER_HOUR = 0
    root = Node.objects.get(parent=None)
    text = "".join(before + typed for before, (typed, _plain) in parts) + tail
    event = _report(root, text)
    for answer in _answers(Client(), event):
        folded = _folded(answer)
        for _before, (typed, plain) in parts:
            assert typed not in answer
            assert plain not in folded


def test_the_name_the_hotline_recorded_is_masked_in_the_text(
    catalogue: None, users: dict[str, User]
) -> None:
    event = event_hotline_report(
        actor=users["dispatcher"],
        ticket="12345-0001",
        caller_name="李四",
        caller_phone="13566667777",
        category_code="0202",
        description="市民李四（13566667777）来电反映路灯不亮",
        lon=HERE[0],
        lat=HERE[1],
    )
    [one] = Client().get(f"{V2}/requests/{event.number}.json").json()
    assert one["description"] == "市民李*（135****7777）来电反映路灯不亮"
    event.refresh_from_db()
    assert event.description == "市民李四（13566667777）来电反映路灯不亮"
