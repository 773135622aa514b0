from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts import services
from accounts.api.serializers import DeviceReportSerializer, DeviceSerializer, ProfileSerializer
from accounts.selectors import device_list, profile_of
from core.api.viewsets import OwnerScopedViewSet
from core.images import ImageRejected


class ProfileView(generics.RetrieveUpdateAPIView):
    """The signed-in person's own profile. There is no way to name anybody else's."""

    serializer_class = ProfileSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_object(self):
        return profile_of(self.request.user)

    def perform_update(self, serializer: ProfileSerializer) -> None:
        data = dict(serializer.validated_data)
        user_data = data.pop("user", {})
        avatar_sent = "avatar" in data
        avatar = data.pop("avatar", None)
        try:
            services.profile_update(user=self.request.user, display_name=user_data.get("display_name"), **data)
            if avatar_sent and avatar is None:
                services.profile_avatar_clear(user=self.request.user)
            elif avatar is not None:
                services.profile_avatar_set(user=self.request.user, upload=avatar)
        except ImageRejected as exc:
            raise ValidationError({"avatar": [exc.message]}, code=exc.code) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        serializer.instance = profile_of(self.request.user)


class DeviceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, OwnerScopedViewSet):
    """Browsers and apps signed in to the account. DELETE signs a device out: its sessions end at once."""

    selector = device_list
    serializer_class = DeviceSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def perform_destroy(self, instance) -> None:
        services.device_sign_out(device=instance)

    @extend_schema(request=DeviceReportSerializer, responses={204: None})
    @action(detail=False, methods=["patch"], url_path="current")
    def current(self, request):
        """Report the current device's time zone and screen size."""
        device_id = request.session.get(services.SESSION_DEVICE_KEY)
        device = self.get_queryset().filter(pk=device_id).first() if device_id else None
        if device is None:
            raise NotFound("This client is not a known device.")
        report = DeviceReportSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        try:
            services.device_details_report(
                device=device, timezone_name=report.validated_data["timezone"], screen=report.validated_data["screen"]
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
