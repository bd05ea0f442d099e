"""page_view: every page view's login check and domain-error mapping, on views made for the test."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from gridgov.accounts.models import User
from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Problem
from gridgov.core.pages import page_view
from gridgov.jurisdiction.breadcrumbs import breadcrumbs


def request_as(user: User | AnonymousUser) -> HttpRequest:
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


def raising(exc: Exception) -> Callable[[HttpRequest], HttpResponse]:
    @page_view
    def view(request: UserRequest) -> HttpResponse:
        raise exc

    return view


def test_anonymous_is_sent_to_login(db):
    response = raising(NotFound("x"))(request_as(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/somewhere/"


def test_not_found_becomes_404(users):
    with pytest.raises(Http404):
        raising(NotFound("gone"))(request_as(users["dispatcher"]))


def test_permission_denied_becomes_403(users):
    with pytest.raises(HttpForbidden):
        raising(PermissionDenied("no"))(request_as(users["dispatcher"]))


def test_invalid_input_lists_every_problem(users):
    error = InvalidInput(
        "两个问题",
        problems=[
            Problem("bad_code", "代码只能由数字组成。", field="code", index=0, item="32A"),
            Problem("no_name", "名称不能为空。", field="name", index=3, item="320104"),
        ],
    )
    response = raising(error)(request_as(users["dispatcher"]))
    assert response.status_code == 422
    html = response.content.decode()
    assert "两个问题" in html
    assert "代码只能由数字组成。" in html
    assert "<code>320104</code>" in html
    assert html.count("<tr>") == 3


def test_conflict_keeps_its_status(users):
    response = raising(Conflict("已存在"))(request_as(users["dispatcher"]))
    assert response.status_code == 409
    assert "已存在" in response.content.decode()


def test_breadcrumbs_link_only_inside_the_jurisdiction(users, tree):
    crumbs = breadcrumbs(users["dispatcher"], tree["320104001001001"])
    assert [(c.node.code, c.linked) for c in crumbs] == [
        ("3201", False),
        ("320104", False),
        ("320104001", True),
        ("320104001001", True),
        ("320104001001001", False),
    ]
