from rest_framework.routers import SimpleRouter

from closet.api.views import ItemViewSet

router = SimpleRouter()
router.register("items", ItemViewSet, basename="item")

urlpatterns = router.urls
