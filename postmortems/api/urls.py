"""Post-mortem API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from postmortems.api.views import ActionItemViewSet, PostMortemViewSet

router = SimpleRouter()
router.register("postmortems", PostMortemViewSet, basename="postmortem")
router.register("action-items", ActionItemViewSet, basename="action-item")

urlpatterns = router.urls
