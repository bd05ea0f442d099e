"""The Scope value and the scoped querysets: what each caller sees, and failing closed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.core.scope import PUBLIC, Scope, UnscopedQuery, scope_enforced
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import GridOverlap, LayerUnit, Node
from gridgov.jurisdiction.selectors import scope_of
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user


def test_an_account_on_a_node_sees_its_tree(users: dict[str, User]) -> None:
    assert scope_of(users["dispatcher"]) == Scope(prefix="320104001")
    codes = set(
        Node.objects.visible_to(scope_of(users["dispatcher"])).values_list("code", flat=True)
    )
    assert "320104001" in codes
    assert all(code.startswith("320104001") for code in codes)
    assert "320104002" not in codes


def test_a_department_is_scoped_to_its_department_under_its_node(tree: Tree) -> None:
    bureau = Department.objects.create(code="CG-320104", name="秦淮城管", node=tree["320104"])
    handler = make_user("dh", Role.DEPARTMENT_HANDLER, department=bureau)
    scope = scope_of(handler)
    assert scope == Scope(prefix="320104", department_id=bureau.pk)
    assert scope.is_department
    # A model without a department path is read by the department's node.
    assert Node.objects.visible_to(scope).filter(code="320105").count() == 0
    assert Node.objects.visible_to(scope).filter(code="320104001").count() == 1


def test_the_public_sees_no_staff_rows(tree: Tree) -> None:
    assert scope_of(AnonymousUser()) is PUBLIC
    assert not PUBLIC.covers("3201")
    assert Node.objects.visible_to(PUBLIC).count() == 0


def test_the_scope_is_computed_once_and_again_when_the_account_moves(
    users: dict[str, User], tree: Tree
) -> None:
    user = User.objects.get(pk=users["dispatcher"].pk)
    first = scope_of(user)
    assert scope_of(user) is first
    user.node = tree["320104002"]
    assert scope_of(user) == Scope(prefix="320104002")


def test_an_unscoped_query_on_a_scoped_model_raises_where_enforced(tree: Tree) -> None:
    with scope_enforced():
        for rows in (
            Node.objects.filter(level=5),
            LayerUnit.objects.all(),
            GridOverlap.objects.order_by("pk"),
            Department.objects.all(),
        ):
            with pytest.raises(UnscopedQuery):
                list(rows)
        with pytest.raises(UnscopedQuery):
            Node.objects.count()
        with pytest.raises(UnscopedQuery):
            Node.objects.filter(code="3201").exists()
        with pytest.raises(UnscopedQuery):
            Node.objects.get(code="3201")
        with pytest.raises(UnscopedQuery):
            list(tree["3201"].children.all())


def test_a_query_that_chose_its_scope_runs_where_enforced(tree: Tree) -> None:
    with scope_enforced():
        scoped = Node.objects.visible_to(Scope.under(tree["320104"])).filter(level=5)
        # The choice survives every derived queryset.
        assert scoped.order_by("code").exclude(code="").count() > 0
        assert Node.objects.unscoped().filter(code="3201").exists()
        assert Node.objects.unscoped().get(code="3201") == tree["3201"]


def test_scope_is_not_enforced_outside_the_context(tree: Tree) -> None:
    with scope_enforced():
        pass
    assert Node.objects.filter(code="3201").exists()
