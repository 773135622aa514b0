"""Outfit ideas over the API: start a job, watch it, cancel it; act on its suggestions (AI-1, AI-5)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from closet.models import SEASONS, OutfitJob, Suggestion
from closet.selectors import item_list
from closet.selectors.ideas import outfit_job_with_suggestions, suggestion_list
from closet.services import ideas as services
from core.api.viewsets import OwnerScopedViewSet
from core.images import ImageRejected
from privacy.services import ConsentRequired


class SuggestionSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text="Always 'suggestion': ideas are never applied by themselves.")
    items = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = ("id", "label", "items", "rationale", "harmony", "state", "liked", "outfit", "position")

    def get_label(self, suggestion: Suggestion) -> str:
        return "suggestion"

    def get_items(self, suggestion: Suggestion) -> list[dict]:
        return [{"id": str(i.pk), "name": i.name, "category": i.category.slug} for i in suggestion.ordered_items]


class OutfitJobSerializer(serializers.ModelSerializer):
    inspiration_image = serializers.ImageField(
        write_only=True, required=False, help_text="Needs the ai_uploads consent; deleted when the job ends."
    )
    inspiration_text = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=500)
    season = serializers.ChoiceField(choices=SEASONS, required=False, allow_blank=True)
    suggestions = SuggestionSerializer(many=True, read_only=True)

    class Meta:
        model = OutfitJob
        fields = (
            "id", "status", "progress", "error", "missing", "occasion", "for_date", "temperature_c", "season",
            "count", "inspiration_image", "inspiration_text", "upload_size", "upload_type", "upload_deleted_at",
            "created_at", "started_at", "finished_at", "suggestions",
        )  # fmt: skip
        read_only_fields = (
            "status", "progress", "error", "missing", "upload_size", "upload_type", "upload_deleted_at",
            "created_at", "started_at", "finished_at",
        )  # fmt: skip


class OutfitJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OwnerScopedViewSet):
    """Outfit-idea jobs. POST starts one (multipart when it carries an inspiration picture); poll it for progress."""

    selector = outfit_job_with_suggestions
    serializer_class = OutfitJobSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_regex = "[0-9a-f-]{36}"

    @extend_schema(examples=[OpenApiExample("Office, cold", value={"occasion": "office", "temperature_c": 4})])
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: OutfitJobSerializer) -> None:
        data = dict(serializer.validated_data)
        upload = data.pop("inspiration_image", None)
        text = data.pop("inspiration_text", "")
        try:
            serializer.instance = services.outfit_job_start(owner=self.request.user, upload=upload, text=text, **data)
        except ConsentRequired as exc:
            raise PermissionDenied(str(exc), code=getattr(exc, "code", "consent_required")) from exc
        except ImageRejected as exc:
            raise ValidationError({"inspiration_image": [exc.message]}) from exc

    @extend_schema(request=None, responses=OutfitJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = services.outfit_job_cancel(job=self.get_object())
        return Response(self.get_serializer(job).data)


class SuggestionActionSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    worn_on = serializers.DateField(required=False)
    liked = serializers.BooleanField(required=False, allow_null=True)


class SuggestionViewSet(mixins.RetrieveModelMixin, OwnerScopedViewSet):
    """One suggestion, and what you can do with it: save it as an outfit, wear it, dismiss it, like or dislike it."""

    selector = suggestion_list
    serializer_class = SuggestionSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def _act(self, request, fn, *, required: str = "", **extra):
        suggestion = self.get_object()  # first: another person's suggestion is a 404 whatever the body says
        if required and required not in request.data:
            raise ValidationError({required: ["Send true (like), false (dislike) or null (no opinion)."]})
        payload = SuggestionActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fn(suggestion=suggestion, **{k: v for k, v in payload.validated_data.items() if k in extra})
        suggestion.refresh_from_db()
        return Response(self.get_serializer(suggestion).data)

    @extend_schema(request=SuggestionActionSerializer)
    @action(detail=True, methods=["post"])
    def save(self, request, pk=None):
        return self._act(request, services.suggestion_save, name=True)

    @extend_schema(request=SuggestionActionSerializer)
    @action(detail=True, methods=["post"])
    def wear(self, request, pk=None):
        return self._act(request, services.suggestion_wear, worn_on=True)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._act(request, services.suggestion_dismiss)

    @extend_schema(request=SuggestionActionSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        return self._act(request, services.suggestion_rate, required="liked", liked=True)


class PairFeedbackSerializer(serializers.Serializer):
    item_a = serializers.UUIDField()
    item_b = serializers.UUIDField()
    liked = serializers.BooleanField()


class PairFeedbackView(APIView):
    """Tell the idea engine that two of your garments go together (or don't). Used for your ideas only."""

    @extend_schema(request=PairFeedbackSerializer, responses={201: PairFeedbackSerializer})
    def post(self, request):
        payload = PairFeedbackSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        wanted = [payload.validated_data["item_a"], payload.validated_data["item_b"]]
        items = {str(i.pk): i for i in item_list(user=request.user).filter(pk__in=wanted)}
        try:
            item_a = items[str(payload.validated_data["item_a"])]
            item_b = items[str(payload.validated_data["item_b"])]
            liked = payload.validated_data["liked"]
            services.pair_feedback_set(owner=request.user, item_a=item_a, item_b=item_b, liked=liked)
        except KeyError:
            raise ValidationError({"items": ["Unknown item."]}) from None
        return Response(payload.data, status=status.HTTP_201_CREATED)
