from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import DeviceReportSerializer, DeviceSerializer, ProfileSerializer
from accounts.models import LocationPrecision
from accounts.selectors import device_list, location_of, profile_of
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
        services.device_details_report(
            device=device, timezone_name=report.validated_data["timezone"], screen=report.validated_data["screen"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class LocationSerializer(serializers.Serializer):
    precision = serializers.ChoiceField(choices=LocationPrecision.choices)
    place = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=10, decimal_places=6, required=False, allow_null=True, default=None)
    updated_at = serializers.DateTimeField(read_only=True)


class LocationView(APIView):
    """Your location for weather-aware ideas (CON-5): only with the location consent; DELETE forgets it."""

    @extend_schema(responses=LocationSerializer)
    def get(self, request):
        location = location_of(request.user)
        if location is None:
            raise NotFound("No location is stored.")
        return Response(LocationSerializer(location).data)

    @extend_schema(request=LocationSerializer, responses=LocationSerializer)
    def put(self, request):
        serializer = LocationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            location = services.location_set(user=request.user, **serializer.validated_data)
        except services.ConsentRequired as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(LocationSerializer(location).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        services.location_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
