"""On-call API routes under /api/v1/oncall/, and the secret-token calendar feeds."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from oncall import views as feeds
from oncall.api.views import (
    LayerViewSet,
    NowView,
    OverrideViewSet,
    ScheduleViewSet,
    SwapRequestViewSet,
)

router = SimpleRouter()
router.register("oncall/schedules", ScheduleViewSet, basename="oncall-schedule")
router.register("oncall/layers", LayerViewSet, basename="oncall-layer")
router.register("oncall/overrides", OverrideViewSet, basename="oncall-override")
router.register("oncall/swap-requests", SwapRequestViewSet, basename="oncall-swap-request")

urlpatterns = [
    path("oncall/now/", NowView.as_view(), name="oncall-now"),
    path(
        "oncall/ical/schedules/<str:token>.ics",
        feeds.schedule_feed_view,
        name="oncall-ical-schedule",
    ),
    path("oncall/ical/people/<str:token>.ics", feeds.person_feed_view, name="oncall-ical-person"),
    *router.urls,
]
