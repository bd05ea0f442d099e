import pytest
from django.test import Client

from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.core.errors import NotFound
from gridgov.departments.models import Department
from gridgov.departments.selectors import department_get, departments_visible
from gridgov.testing.users import make_user


@pytest.fixture
def bureaus(tree):
    return {
        code: Department.objects.create(code=f"CG-{code}", name=f"城管{code}", node=tree[code])
        for code in ("3201", "320104", "320105", "320104001")
    }


def test_departments_visible_are_those_serving_the_subtree(users, bureaus):
    codes = set(departments_visible(users["commander"]).values_list("code", flat=True))
    assert codes == {"CG-320104", "CG-320104001"}
    assert departments_visible(users["system_admin"]).count() == 4


def test_department_get_outside_scope_is_not_found(users, bureaus):
    assert department_get(users["commander"], "CG-320104").node.code == "320104"
    with pytest.raises(NotFound):
        department_get(users["commander"], "CG-320105")


def test_admin_is_scoped_and_audited(tree, bureaus):
    from gridgov.accounts.roles import Role

    admin = make_user("sa-qh", Role.SYSTEM_ADMIN, node=tree["320104"])
    client = login(Client(), admin)
    listed = {
        d.code for d in client.get("/admin/departments/department/").context["cl"].result_list
    }
    assert listed == {"CG-320104", "CG-320104001"}
    outside = client.post(
        "/admin/departments/department/add/",
        {"code": "PS-1", "name": "公安", "kind": "department", "node": tree["320105"].pk},
    )
    assert "node" in outside.context["adminform"].form.errors
    response = client.post(
        "/admin/departments/department/add/",
        {"code": "PS-1", "name": "公安", "kind": "department", "node": tree["320104"].pk},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="departments.admin_add")
    assert entry.actor == admin
    assert entry.target_id == str(Department.objects.get(code="PS-1").pk)


def test_a_department_is_written_and_removed_only_with_its_audit_entry(users, bureaus, monkeypatch):
    from gridgov.departments import actions

    bureau = bureaus["320104"]
    bureau.name = "城管局"
    actions.department_save(
        actor=users["system_admin"], department=bureau, fields=["name"], created=False
    )
    assert Department.objects.get(pk=bureau.pk).name == "城管局"
    assert AuditEntry.objects.get(action="departments.admin_change").detail == {"fields": ["name"]}

    def refuse(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(actions, "audit_record", refuse)
    bureau.name = "未审计"
    with pytest.raises(RuntimeError):
        actions.department_save(
            actor=users["system_admin"], department=bureau, fields=["name"], created=False
        )
    assert Department.objects.get(pk=bureau.pk).name == "城管局"
    with pytest.raises(RuntimeError):
        actions.department_delete(actor=users["system_admin"], department=bureaus["320105"])
    assert Department.objects.filter(pk=bureaus["320105"].pk).exists()
