"""URLs of the dashboard's live endpoint and the metrics pages, under ``/admin/insights/``."""

from django.urls import path

from insights import views
from insights.metrics import PAGES

app_name = "insights"

urlpatterns = [
    path("dashboard/live/", views.dashboard_live, name="dashboard_live"),
    *[
        path(
            f"metrics/{page.slug}/",
            views.metrics_view,
            {"slug": page.slug},
            name=f"metrics_{page.slug}",
        )
        for page in PAGES
    ],
]
