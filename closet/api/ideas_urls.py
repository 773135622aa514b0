from django.urls import path
from rest_framework.routers import SimpleRouter

from closet.api import ideas

router = SimpleRouter()
router.register("outfit-jobs", ideas.OutfitJobViewSet, basename="outfit-job")
router.register("suggestions", ideas.SuggestionViewSet, basename="suggestion")

urlpatterns = [*router.urls, path("pair-feedback/", ideas.PairFeedbackView.as_view(), name="pair-feedback")]
