from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from gridgov.addresses.tests.factories import TARGET_COMPOUND, TARGET_TEXT, make_target_address
from gridgov.testing.tree import Tree

AD = "/api/v1/addresses"


@pytest.fixture
def target(tree: Tree) -> str:
    return make_target_address().code


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", f"{AD}/match", {"text": TARGET_TEXT}),
        ("post", f"{AD}/match/batch", {"texts": [TARGET_TEXT]}),
        ("get", f"{AD}?road=目标路", None),
    ],
)
def test_sibling_api_reveals_nothing(
    target: str, client_for: Callable[[str], Client], method: str, url: str, body: object
) -> None:
    for caller, sees in (("dispatcher", True), ("sibling_dispatcher", False)):
        client = client_for(caller)
        if method == "post":
            response = client.post(url, body, content_type="application/json")
        else:
            response = client.get(url)
        assert response.status_code == 200
        assert (TARGET_COMPOUND in json.dumps(response.json(), ensure_ascii=False)) is sees


def test_sibling_detail_is_404(target: str, client_for: Callable[[str], Client]) -> None:
    assert client_for("dispatcher").get(f"{AD}/{target}").status_code == 200
    assert client_for("sibling_dispatcher").get(f"{AD}/{target}").status_code == 404


def test_sibling_page_reveals_nothing(target: str, client_for: Callable[[str], Client]) -> None:
    for caller, sees in (("dispatcher", True), ("sibling_dispatcher", False)):
        response = client_for(caller).post("/addresses/", {"lines": TARGET_TEXT})
        assert response.status_code == 200
        assert (TARGET_COMPOUND in response.content.decode()) is sees
