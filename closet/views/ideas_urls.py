from django.urls import path

from closet.views import ideas

urlpatterns = [
    path("ideas/", ideas.IdeasView.as_view(), name="ideas"),
    path("ideas/<uuid:pk>/", ideas.IdeaJobView.as_view(), name="idea-job"),
    path("ideas/<uuid:pk>/cancel/", ideas.IdeaJobCancelView.as_view(), name="idea-job-cancel"),
    path("ideas/pairs/", ideas.PairFeedbackView.as_view(), name="pair-feedback"),
    *[
        path(
            f"ideas/suggestions/<uuid:pk>/{action}/",
            ideas.SuggestionActionView.as_view(action=action),
            name=f"suggestion-{action}",
        )
        for action in ("save", "wear", "dismiss", "like", "dislike")
    ],
]
