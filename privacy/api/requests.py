"""Privacy requests over the API (RGT-6): make one, follow its status and due date."""

from __future__ import annotations

from rest_framework import mixins, serializers

from core.api.viewsets import OwnerScopedViewSet
from privacy.models import PrivacyRequest, RequestChannel
from privacy.selectors import privacy_request_list
from privacy.services import privacy_request_create


class PrivacyRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrivacyRequest
        fields = (
            "id", "kind", "details", "channel", "status", "denial_reason", "received_at", "due_on", "completed_at",
        )  # fmt: skip
        read_only_fields = ("id", "channel", "status", "denial_reason", "received_at", "due_on", "completed_at")


class PrivacyRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OwnerScopedViewSet
):
    """Your privacy requests. POST ``kind`` (and optional ``details``) to make one; it is answered by ``due_on``
    (5 business days by default). ``status`` moves from received to completed or declined (with a reason)."""

    selector = privacy_request_list
    serializer_class = PrivacyRequestSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def perform_create(self, serializer: PrivacyRequestSerializer) -> None:
        user = self.request.user
        serializer.instance = privacy_request_create(
            kind=serializer.validated_data["kind"],
            details=serializer.validated_data.get("details", ""),
            channel=RequestChannel.API,
            user=user,
            actor=user,
        )
