import pytest

from gridgov.accounts.roles import Role
from gridgov.departments.models import Department
from gridgov.testing.users import make_user


@pytest.fixture
def departments(tree):
    """A bureau in each district: 320104's is inside the dispatcher's district, 320105's is not."""
    return {
        "qinhuai": Department.objects.create(
            code="CG-320104", name="秦淮城管", node=tree["320104"]
        ),
        "jianye": Department.objects.create(code="CG-320105", name="建邺城管", node=tree["320105"]),
    }


@pytest.fixture
def district_security_admin(tree):
    """A security administrator whose jurisdiction is district 320104 only."""
    return make_user("se-qh", Role.SECURITY_ADMIN, node=tree["320104"])
