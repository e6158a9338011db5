"""Retainer API routes under /api/v1/: contracts, work logs, the monthly report."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from retainer.api.views import ContractViewSet, MonthlyReportView, WorkLogViewSet

router = SimpleRouter()
router.register("contracts", ContractViewSet, basename="contract")
router.register("worklogs", WorkLogViewSet, basename="worklog")

urlpatterns = [
    *router.urls,
    path("reports/monthly/", MonthlyReportView.as_view(), name="report-monthly"),
]
