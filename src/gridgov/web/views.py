from django.http import HttpResponse
from django.shortcuts import render

from gridgov.accounts.requests import UserRequest
from gridgov.core.pages import page_view
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import node_level_counts, scope_root
from gridgov.staffing.selectors import coverage_report


@page_view
def home(request: UserRequest) -> HttpResponse:
    root = scope_root(request.user)
    counts = node_level_counts(root)
    report = coverage_report(request.user, root)
    levels = [(Level(level).label, counts[level]) for level in sorted(counts)]
    return render(request, "web/home.html", {"node": root, "levels": levels, "total": report.total})
