from rest_framework.routers import SimpleRouter

from support.api import threads

router = SimpleRouter()
router.register("support/threads", threads.SupportThreadViewSet, basename="support-thread")

urlpatterns = [*router.urls]
