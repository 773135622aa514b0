"""Support on the API (SUP-1): ``/support/threads/`` (list, start a conversation, read one with its messages)
and ``/support/threads/{id}/messages/`` (reply). Attachments are sent as multipart parts named ``attachments``
and come back as signed links that expire. Another person's conversation is a 404, like one that does not exist.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.viewsets import OwnerScopedViewSet
from core.images import human_bytes
from core.storage import private_url
from support.models import SupportAttachment, SupportMessage, SupportThread, ThreadStatus
from support.selectors import support_thread_list, support_thread_messages
from support.services import (
    ATTACHMENT_MAX_BYTES,
    BODY_MAX_LENGTH,
    MAX_ATTACHMENTS,
    SUBJECT_MAX_LENGTH,
    support_message_add,
    support_thread_create,
)

ATTACHMENTS_HELP = (
    f"Up to {MAX_ATTACHMENTS} files (multipart, one part each): pictures (JPEG, PNG, WebP, HEIC; stored "
    f"re-encoded without metadata) or PDF files, {human_bytes(ATTACHMENT_MAX_BYTES)} each."
)


class SupportAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The file: a signed link that expires after a few minutes.")

    class Meta:
        model = SupportAttachment
        fields = ("id", "content_type", "size", "url", "created_at")
        read_only_fields = fields

    def get_url(self, attachment: SupportAttachment) -> str:
        return private_url(attachment.file.name)


class SupportMessageSerializer(serializers.ModelSerializer):
    attachments = SupportAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = SupportMessage
        fields = ("id", "from_staff", "body", "created_at", "attachments")
        read_only_fields = fields


class SupportThreadSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportThread
        fields = ("id", "subject", "status", "created_at", "last_message_at")
        read_only_fields = fields


# The detail repeats the list's ``status``; two components with the same choices under a name other components
# also use ("status") would make drf-spectacular warn and invent a name. The detail refers to the enum component
# the list's field produces (named after its one component, SupportThread) instead of declaring it again.
@extend_schema_field({"$ref": "#/components/schemas/SupportThreadStatusEnum"})
class _ThreadStatusField(serializers.ChoiceField):
    pass


class SupportThreadDetailSerializer(SupportThreadSerializer):
    status = _ThreadStatusField(choices=ThreadStatus.choices, read_only=True)
    messages = serializers.SerializerMethodField()

    class Meta(SupportThreadSerializer.Meta):
        fields = (*SupportThreadSerializer.Meta.fields, "messages")
        read_only_fields = fields

    @extend_schema_field(SupportMessageSerializer(many=True))
    def get_messages(self, thread: SupportThread) -> list[dict]:
        messages = support_thread_messages(thread=thread)
        return SupportMessageSerializer(messages, many=True, context=self.context).data


def _attachments_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_ATTACHMENTS,
        error_messages={"max_length": f"Up to {MAX_ATTACHMENTS} attachments per message, please."},
        help_text=ATTACHMENTS_HELP,
    )


class SupportThreadCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=SUBJECT_MAX_LENGTH)
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, help_text="The first message.")
    attachments = _attachments_field()


class SupportReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)
    attachments = _attachments_field()


def _data_of(request) -> dict:
    """The request's fields, with every ``attachments`` part as a list (multipart repeats the name)."""
    data = {key: request.data.get(key) for key in ("subject", "body") if key in request.data}
    files = request.FILES.getlist("attachments") if request.FILES else []
    if files:
        data["attachments"] = files
    return data


@extend_schema_view(
    list=extend_schema(summary="Your support conversations, the most recently active first"),
    retrieve=extend_schema(summary="One conversation with its messages", responses=SupportThreadDetailSerializer),
    create=extend_schema(
        summary="Write to support (starts a conversation)",
        request={
            "multipart/form-data": SupportThreadCreateSerializer,
            "application/json": SupportThreadCreateSerializer,
        },
        responses={201: SupportThreadDetailSerializer},
    ),
    messages=extend_schema(
        summary="Reply in a conversation (reopens it)",
        request={"multipart/form-data": SupportReplySerializer, "application/json": SupportReplySerializer},
        responses={201: SupportMessageSerializer},
    ),
)
class SupportThreadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OwnerScopedViewSet):
    """Your conversations with support. We answer from our side; you are e-mailed when we do."""

    selector = support_thread_list
    serializer_class = SupportThreadSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return SupportThreadDetailSerializer
        if self.action == "create":
            return SupportThreadCreateSerializer
        if self.action == "messages":
            return SupportReplySerializer
        return SupportThreadSerializer

    def create(self, request, *args, **kwargs):
        serializer = SupportThreadCreateSerializer(data=_data_of(request))
        serializer.is_valid(raise_exception=True)
        thread = support_thread_create(owner=request.user, **serializer.validated_data)
        thread = self.get_queryset().get(pk=thread.pk)
        data = SupportThreadDetailSerializer(thread, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="messages")
    def messages(self, request, *args, **kwargs):
        thread = self.get_object()  # before reading the body: another person's conversation is a 404
        serializer = SupportReplySerializer(data=_data_of(request))
        serializer.is_valid(raise_exception=True)
        message = support_message_add(thread=thread, author=request.user, **serializer.validated_data)
        data = SupportMessageSerializer(message, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)
