from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from gridgov.api import api
from gridgov.jurisdiction import urls as jurisdiction_urls
from gridgov.web import health, metrics
from gridgov.web import urls as web_urls

# Django's own "Django administration" names the framework, not the product.
admin.site.site_header = admin.site.site_title = _("GridGov administration")

urlpatterns = [
    path("", include("gridgov.web.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("accounts/", include("gridgov.accounts.urls")),
    path(
        "jurisdiction/",
        # The node, grid and map pages (gridgov.web) draw on domains above jurisdiction.
        include(
            (jurisdiction_urls.urlpatterns + web_urls.jurisdiction_urlpatterns, "jurisdiction")
        ),
    ),
    path("staffing/", include("gridgov.staffing.urls")),
    path("worktime/", include("gridgov.worktime.urls")),
    path("events/", include("gridgov.events.urls")),
    path("whistle/", include("gridgov.whistle.urls")),
    path("assessment/", include("gridgov.assessment.urls")),
    path("addresses/", include("gridgov.addresses.urls")),
    path("registry/", include("gridgov.registry.urls")),
    path("exchange/", include("gridgov.exchange.urls")),
    path("verification/", include("gridgov.verification.urls")),
    path("mediation/", include("gridgov.mediation.urls")),
    path("fieldwork/", include("gridgov.fieldwork.urls")),
    path("residents/", include("gridgov.residents.urls")),
    path("open311/v2/", include("gridgov.open311.urls")),
    path("notifications/", include("gridgov.notifications.urls")),
    path("exports/", include("gridgov.exports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]

handler404 = "gridgov.core.views.page_not_found"
handler500 = "gridgov.core.views.server_error"
