"""Retainer API routes under /api/v1/: contracts, engagements, work logs, the monthly report."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from retainer.api.views import (
    ContractViewSet,
    EngagementViewSet,
    MonthlyReportView,
    WorkLogViewSet,
)

router = SimpleRouter()
router.register("contracts", ContractViewSet, basename="contract")
router.register("engagements", EngagementViewSet, basename="engagement")
router.register("worklogs", WorkLogViewSet, basename="worklog")

urlpatterns = [
    *router.urls,
    path("reports/monthly/", MonthlyReportView.as_view(), name="report-monthly"),
]
