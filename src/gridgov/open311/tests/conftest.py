"""The Open311 world: catalogue, a registered client and its key, schema validators."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from gridgov.events.actions.catalogue import catalogue_load
from gridgov.open311.actions import client_create
from gridgov.open311.models import ClientApplication
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.tree import Tree

SCHEMAS = Path(__file__).resolve().parent / "schema"


def _registry() -> Registry[Any]:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT4)
        resources.append((path.name, resource))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validator(name: str) -> Draft4Validator:
    schema = REGISTRY.contents(name)
    return Draft4Validator(schema, registry=REGISTRY, format_checker=FormatChecker())


@pytest.fixture
def check_schema() -> Callable[[str, Any], None]:
    """check_schema("requests.json", body): every error of the official schema, at once."""

    def check(name: str, body: Any) -> None:
        errors = sorted(validator(name).iter_errors(body), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]

    return check


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def catalogue(tree: Tree) -> None:
    catalogue_load(actor=None, data=default_catalogue())


@pytest.fixture
def api_key(catalogue: None) -> str:
    client = ClientApplication(name="掌上秦淮", requests_per_hour=50)
    return client_create(actor=None, client=client)
