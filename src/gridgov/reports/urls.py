from django.urls import path

from gridgov.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/pdf", views.report_pdf, name="pdf"),
    path("<int:report_id>/xlsx", views.report_xlsx, name="xlsx"),
]
