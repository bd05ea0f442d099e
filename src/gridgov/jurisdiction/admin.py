"""Admin for the jurisdiction tree and overlay layers, limited to the administrator's scope.

Boundaries are edited as GeoJSON text and saved through the actions, so an
edit in the admin obeys the same rules, bumps the boundary version and
leaves the same audit row as an import.
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.accounts.requests import request_user
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.core.text import validate_name
from gridgov.jurisdiction import actions
from gridgov.jurisdiction.geometry import geometry_problems
from gridgov.jurisdiction.models import GridOverlap, Layer, LayerUnit, Node, parent_code_of
from gridgov.jurisdiction.selectors import layer_units_visible, nodes_visible, scope_of


class BoundaryForm(forms.ModelForm):  # type: ignore[type-arg]
    """A boundary as GeoJSON text, checked ring by ring before anything is saved."""

    boundary_geojson = forms.CharField(
        label=_("boundary (GeoJSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 100, "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The actions refuse such a name too; here it is named on the form instead of a 500.
        for field in ("name", "institution_name"):
            if field in self.fields:
                self.fields[field].validators.append(validate_name)
        if self.instance.pk and self.instance.boundary:
            self.initial["boundary_geojson"] = shapely.to_geojson(self.instance.geometry)
        self.geometry: shapely.Geometry | None = None

    def clean_boundary_geojson(self) -> str:
        text: str = self.cleaned_data["boundary_geojson"]
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("This is not valid JSON.")) from exc
        self.geometry, problems = geometry_problems(data)
        if problems:
            raise forms.ValidationError([f"{p.field}: {p.message}" for p in problems])
        return text


class NodeForm(BoundaryForm):
    actor_root = ""  # set per request by NodeAdmin.get_form

    class Meta:
        model = Node
        fields = [
            "code",
            "name",
            "level",
            "grid_kind",
            "institution_kind",
            "institution_name",
            "population",
        ]

    def clean(self) -> dict[str, Any]:
        """The same tree rules as an import: code scheme, parent, kind, containment."""
        data = super().clean() or {}
        if self.errors or self.geometry is None:
            return data
        code = data.get("code", self.instance.code)
        level = data.get("level", self.instance.level)
        spec = actions.NodeSpec(
            code=code,
            name=data["name"],
            level=level,
            parent_code=parent_code_of(code, level),
            geometry=self.geometry,
            grid_kind=data.get("grid_kind") or "",
            institution_kind=data.get("institution_kind") or "",
            institution_name=data.get("institution_name") or "",
            population=data.get("population"),
        )
        creating = self.instance.pk is None
        problems = actions.node_problems(
            [spec],
            stored=actions.known_nodes([spec.code, spec.parent_code]),
            root=self.actor_root,
            creating=creating,
        )
        if not creating:
            problems += actions.children_problems(spec)
        for p in problems:
            self.add_error(None, f"{p.field}: {p.message}")
        return data


@admin.register(Node)
class NodeAdmin(ScopedAdmin[Node]):
    form = NodeForm
    list_display = ["code", "name", "level", "grid_kind", "population", "updated_at"]
    list_filter = ["level", "grid_kind"]
    search_fields = ["code", "name"]
    ordering = ["code"]

    def visible(self, user: User) -> QuerySet[Node]:
        return nodes_visible(user)

    def get_form(
        self, request: HttpRequest, obj: Node | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.actor_root = actions.actor_root(request_user(request))  # type: ignore[attr-defined]
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Node | None = None) -> list[str]:
        return ["code", "level"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Node, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "boundary": form.geometry,
            "grid_kind": data.get("grid_kind") or "",
            "institution_kind": data.get("institution_kind") or "",
            "institution_name": data.get("institution_name") or "",
            "population": data.get("population"),
        }
        if change:
            stored = Node.objects.get(pk=obj.pk)
            actions.node_update(actor=request_user(request), node=stored, **fields)
            return
        node = actions.node_create(
            actor=request_user(request), code=data["code"], level=data["level"], **fields
        )
        obj.pk = node.pk

    def has_delete_permission(self, request: HttpRequest, obj: Node | None = None) -> bool:
        """Nodes carry staff, accounts and history; they are never deleted, only redrawn."""
        return False


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin[Layer]):
    list_display = ["kind", "name"]

    def has_delete_permission(self, request: HttpRequest, obj: Layer | None = None) -> bool:
        return False


class LayerUnitForm(BoundaryForm):
    class Meta:
        model = LayerUnit
        fields = ["layer", "code", "name"]

    def clean(self) -> dict[str, Any]:
        """A unit must lie within one node; that node becomes its holder."""
        data = super().clean() or {}
        if self.geometry is not None:
            [holder] = actions.holder_codes([self.geometry], actions.stored_node_geometries())
            if holder is None:
                self.add_error(None, str(actions.outside_city_problem("").message))
        return data


@admin.register(LayerUnit)
class LayerUnitAdmin(ScopedAdmin[LayerUnit]):
    form = LayerUnitForm
    list_display = ["code", "name", "layer", "node", "updated_at"]
    list_filter = ["layer"]
    search_fields = ["code", "name", "node__code"]
    list_select_related = ["layer", "node"]

    def visible(self, user: User) -> QuerySet[LayerUnit]:
        return layer_units_visible(user)

    def get_readonly_fields(self, request: HttpRequest, obj: LayerUnit | None = None) -> list[str]:
        return ["layer", "code", "node"] if obj is not None else ["node"]

    def save_model(self, request: HttpRequest, obj: LayerUnit, form: Any, change: bool) -> None:
        layer = obj.layer if change else form.cleaned_data["layer"]
        unit, _created = actions.layer_unit_upsert(
            actor=request_user(request),
            layer_kind=layer.kind,
            code=obj.code,
            name=form.cleaned_data["name"],
            boundary=form.geometry,
        )
        obj.pk = unit.pk


@admin.register(GridOverlap)
class GridOverlapAdmin(ScopedAdmin[GridOverlap]):
    """Computed from the boundaries; read only."""

    list_display = ["grid", "unit", "grid_share", "unit_share"]
    list_filter = ["unit__layer"]
    search_fields = ["grid__code", "unit__code"]
    list_select_related = ["grid", "unit__layer"]

    def visible(self, user: User) -> QuerySet[GridOverlap]:
        return GridOverlap.objects.visible_to(scope_of(user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: GridOverlap | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: GridOverlap | None = None) -> bool:
        return False
