from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy.models import Channel, Choice, ConsentEvent, Method
from privacy.purposes import purpose_get
from privacy.selectors import consent_history, consent_states
from privacy.services import consent_record


class ConsentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentEvent
        fields = ("purpose", "choice", "method", "channel", "notice_version", "origin", "ip_truncated", "created_at")


class ConsentStateSerializer(serializers.Serializer):
    purpose = serializers.CharField(source="purpose.key")
    title = serializers.CharField(source="purpose.title")
    notice = serializers.CharField(source="purpose.notice.text")
    notice_version = serializers.CharField(source="purpose.notice.version")
    granted = serializers.BooleanField()
    since = serializers.DateTimeField(source="event.created_at", allow_null=True, default=None)


class ConsentChoiceSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=64)
    choice = serializers.ChoiceField(choices=[Choice.GRANTED, Choice.WITHDRAWN])

    def validate_purpose(self, value: str) -> str:
        try:
            purpose_get(value)
        except LookupError as exc:
            raise serializers.ValidationError(str(exc), code="unknown_purpose") from exc
        return value


class ConsentListView(APIView):
    """Every purpose that needs your consent, its current state and notice; POST to give or withdraw one (CON-1)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ConsentStateSerializer(many=True))
    def get(self, request):
        return Response(ConsentStateSerializer(consent_states(request.user), many=True).data)

    @extend_schema(
        request=ConsentChoiceSerializer,
        responses={201: ConsentEventSerializer},
        examples=[OpenApiExample("Withdraw", value={"purpose": "marketing_email", "choice": "withdrawn"})],
    )
    def post(self, request):
        choice = ConsentChoiceSerializer(data=request.data)
        choice.is_valid(raise_exception=True)
        event = consent_record(
            user=request.user,
            purpose=choice.validated_data["purpose"],
            choice=choice.validated_data["choice"],
            method=Method.SETTINGS,
            channel=Channel.API,
            request=request,
        )
        return Response(ConsentEventSerializer(event).data, status=status.HTTP_201_CREATED)


class ConsentHistoryView(APIView):
    """The full history of your consent choices (also downloadable as JSON from Settings → Privacy)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ConsentEventSerializer(many=True))
    def get(self, request):
        return Response(ConsentEventSerializer(consent_history(request.user), many=True).data)
