"""What a caller may see, as one value, and the one way a scoped model is filtered by it.

A `Scope` is a node prefix (everything under one node of the tree), a department (what was
sent to it, under its node), or the public (the rows a model declares public, if any). It is
computed once per request from the account (`User.scope`, kept on the user object;
`jurisdiction.selectors.scope_of` also answers the public for an anonymous caller) and
handed to `visible_to(scope)`, the queryset method every scoped model has:
the model declares where its place in the tree is (`scope_paths`, e.g. `("node__code",)`)
and, when a department sees only its own rows, where its department is (`department_path`).
Selectors, admins, exports and maps filter through it rather than write `code__startswith=`.

Fail closed (ADR 0020): a query on a scoped model that chose neither `visible_to(scope)` nor
the named escape hatch `unscoped()` raises `UnscopedQuery` where scope is enforced (in tests,
by `scope_enforced()`), as pretix's scoped managers do, instead of leaking the whole city.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q

M = TypeVar("M", bound=models.Model)

_enforced: ContextVar[bool] = ContextVar("scope_enforced", default=False)


class Coded(Protocol):
    """A place in the tree, as far as a scope needs it: jurisdiction's node, which sits above
    the base layer that every scoped model stands on."""

    code: str


class UnscopedQuery(RuntimeError):
    """A scoped model was read without saying whose scope: a programming error, never data."""


@dataclass(frozen=True)
class Scope:
    """A node prefix, optionally narrowed to one department; or the public, which sees no staff
    rows. `prefix` is the code of the root node of the caller's tree."""

    prefix: str = ""
    department_id: int | None = None
    public: bool = False
    # A limited account (a third-party assessor): only the rows assigned to it, by the
    # model's `assignee_path`; none of a model without one. It has no prefix.
    assignee_id: int | None = None

    @classmethod
    def under(cls, node: Coded) -> Scope:
        return cls(prefix=node.code)

    @classmethod
    def within(cls, code: str) -> Scope:
        """Everything under a code: the public's chosen jurisdiction in Open311 searches."""
        return cls(prefix=code)

    @property
    def is_department(self) -> bool:
        return self.department_id is not None

    def covers(self, code: str) -> bool:
        """Whether a node's code lies inside this scope's tree (the public covers nothing)."""
        return not self.public and self.assignee_id is None and code.startswith(self.prefix)


PUBLIC = Scope(public=True)


@contextmanager
def scope_enforced() -> Iterator[None]:
    """Make an unscoped query on a scoped model raise for the duration."""
    token = _enforced.set(True)
    try:
        yield
    finally:
        _enforced.reset(token)


def enforcing() -> bool:
    return _enforced.get() or bool(getattr(settings, "SCOPE_FAILS_CLOSED", False))


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset that knows whether it chose a scope; see the module docstring."""

    _scope_decided: bool = False

    def visible_to(self, scope: Scope) -> Self:
        """The rows inside the scope, by the model's declared paths."""
        model: Any = self.model
        if scope.public:
            rows = self.filter(**model.public_lookup) if model.public_lookup else self.none()
        elif scope.assignee_id is not None:
            path: str = model.assignee_path
            # A path may cross a to-many relation; a limited account's rows are few.
            rows = self.filter(**{path: scope.assignee_id}).distinct() if path else self.none()
        elif scope.department_id is not None and model.department_path:
            rows = self.for_department(scope)
        else:
            rows = self._under((scope.prefix,))
        rows._scope_decided = True
        return rows

    def under_any(self, codes: Iterable[str]) -> Self:
        """The rows under any of several nodes (a campaign's chosen areas), by the model's
        declared paths; under none, nothing. Like `visible_to`, it decides the scope."""
        codes = tuple(codes)
        rows = self._under(codes) if codes else self.none()
        rows._scope_decided = True
        return rows

    def _under(self, codes: tuple[str, ...]) -> Self:
        """The one place a prefix filter is written (core/tests/test_prefix_filters.py)."""
        model: Any = self.model
        where = Q()
        for path in model.scope_paths:
            for code in codes:
                where |= Q(**{f"{path}__startswith": code})
        rows = self.filter(where)
        return rows.distinct() if model.scope_distinct else rows

    def for_department(self, scope: Scope) -> Self:
        """A department's rows: those sent to it. A model may widen this (an event also shows
        to the department its open whistle summoned)."""
        model: Any = self.model
        return self.filter(**{model.department_path: scope.department_id})

    def unscoped(self) -> Self:
        """Every row, for actions that fetched the row through a scoped read first, for tasks,
        commands, migrations and the demo seeder. Keep the callers few and named."""
        rows = self.all()
        rows._scope_decided = True
        return rows

    def _clone(self) -> Any:
        """Every derived queryset keeps the choice (Django's own clone knows nothing of it)."""
        clone = super()._clone()  # type: ignore[misc]
        clone._scope_decided = self._scope_decided
        return clone

    def _require_scope(self) -> None:
        if not self._scope_decided and enforcing():
            raise UnscopedQuery(
                f"{self.model._meta.label} read without visible_to(scope) or unscoped()"
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def count(self) -> int:
        self._require_scope()
        return super().count()

    def exists(self) -> bool:
        self._require_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size: int | None = None) -> Iterator[M]:
        self._require_scope()
        return super().iterator(chunk_size=chunk_size)


class ScopedModel(models.Model):
    """A model whose rows belong to a place in the tree (and maybe a department)."""

    # Lookups reaching a node's code, OR-ed together; a row is visible when one starts with
    # the scope's prefix.
    scope_paths: ClassVar[tuple[str, ...]] = ()
    # The lookup reaching the department a row was sent to, when a department sees only those.
    department_path: ClassVar[str] = ""
    # Set when a path crosses a to-many relation, so a row is not listed twice.
    scope_distinct: ClassVar[bool] = False
    # What the public may see of the model, if anything (a public answer still redacts it).
    public_lookup: ClassVar[dict[str, object]] = {}
    # The lookup reaching the account a row is assigned to, for the limited accounts that see
    # only their assignments (Scope.assignee_id); empty: such an account sees none of it.
    assignee_path: ClassVar[str] = ""

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
