"""The store API (``/api/v1/store/``): what a connected store may do, authenticated by its own access token.

A store reaches a person only by the pseudonym (``sub``) it knows them by, and only while they are connected to
it (STO-3): a pseudonym of another store, of a revoked connection, of a closed account or one that never existed
all answer the same 404. It reads only the fields the person granted and pushes purchases into their closet
(STO-6). Nothing here ever names the internal user id.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from core.images import ImageRejected
from stores.api.authentication import StorePrincipal, StoreTokenAuthentication
from stores.models import StoreConnection, StorePurchase
from stores.oidc import store_claims
from stores.selectors.connections import store_connection_by_sub
from stores.selectors.purchases import store_purchases_sent
from stores.services.purchases import store_purchase_import


class IsStore(BasePermission):
    """Only a store's token: a person's session or app token is not a store (401 without a store token)."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, StorePrincipal)


class StoreRateThrottle(SimpleRateThrottle):
    """Per store, whichever token it uses."""

    scope = "store"
    rate = "600/min"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.user, StorePrincipal):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.store.pk}


class ImageRefused(APIException):
    """The photo pipeline's refusal, with its own code (``too_large``, ``corrupt``...) and sentence."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_image"
    default_detail = "The picture was refused."


SUB = OpenApiParameter(
    "sub", OpenApiTypes.STR, OpenApiParameter.PATH, description="The pseudonym your store knows the person by."
)
ERRORS = {
    401: OpenApiResponse(description="No store access token, or not a valid one: `{code, detail}`."),
    404: OpenApiResponse(
        description="Not a person connected to your store now (unknown, revoked, another store's pseudonym)."
    ),
}


class StoreAPIView(GenericAPIView):
    """The base of every store endpoint: a store token only, and the person looked up by ``sub`` among the
    store's live connections."""

    authentication_classes = [StoreTokenAuthentication]
    permission_classes = [IsStore]
    throttle_classes = [StoreRateThrottle]

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            # DRF also puts the principal on Django's request; the middleware that runs after the view (devices,
            # consent) must not take a store for a signed-in person.
            request.user = AnonymousUser()

    def connection(self) -> StoreConnection:
        """The live connection behind ``sub`` for the calling store; 404 for anything else, always the same 404.

        A token a person delegated reaches that person only: another person's ``sub`` is a 404 too."""
        if not hasattr(self, "_connection"):
            principal: StorePrincipal = self.request.user
            connection = store_connection_by_sub(store=principal.store, sub=self.kwargs["sub"])
            if connection is None or (principal.person is not None and connection.user_id != principal.person.pk):
                raise Http404
            self._connection = connection
        return self._connection


class StorePersonSerializer(serializers.Serializer):
    """Documentation of the answer: the pseudonym and, only when granted, the other fields."""

    sub = serializers.CharField(help_text="The pseudonym (always).")
    name = serializers.CharField(required=False, help_text="Display name (scope `profile`).")
    email = serializers.EmailField(required=False, help_text="Verified e-mail address (scope `email`).")
    email_verified = serializers.BooleanField(required=False, help_text="Always true when present.")
    sizes = serializers.DictField(required=False, help_text="Measurements (scope `sizes`); null where not filled in.")
    style = serializers.DictField(required=False, help_text="Style preferences (scope `style`).")


@extend_schema(
    parameters=[SUB],
    responses={200: StorePersonSerializer, **ERRORS},
    examples=[
        OpenApiExample(
            "Granted openid, profile and email",
            value={"sub": "5d1f…c9", "name": "Alice", "email": "alice@example.com", "email_verified": True},
            response_only=True,
        )
    ],
)
class StorePersonView(StoreAPIView):
    """The fields the person granted your store, like the userinfo endpoint: the pseudonym always, the others
    only for the scopes the person ticked on the consent screen (`fields` of their connection)."""

    serializer_class = StorePersonSerializer

    def get(self, request, *args, **kwargs) -> Response:
        connection = self.connection()
        return Response({"sub": connection.sub, **store_claims(user=connection.user, scopes=connection.fields)})


class StorePurchaseSerializer(serializers.ModelSerializer):
    """An order line, as the store sends it and reads it back. The person's decisions about it (accepted,
    dismissed) are theirs and are not shown to the store."""

    product_name = serializers.CharField(max_length=200)
    currency = serializers.RegexField(
        r"^[A-Za-z]{3}$",
        required=False,
        allow_blank=True,
        help_text="ISO 4217, e.g. EUR. Required with a price.",
        error_messages={"invalid": "A three-letter ISO 4217 code such as EUR."},
    )
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True)
    # A FileField, not an ImageField (which would decode the picture here): the photo pipeline checks it without
    # decoding, and then strips it of every piece of metadata.
    image = serializers.FileField(
        write_only=True,
        required=False,
        help_text="The product picture (multipart): JPEG, PNG, WebP or HEIC. Goes through the same checks and "
        "processing as people's own uploads; a refused picture refuses the whole purchase.",
    )

    class Meta:
        model = StorePurchase
        fields = (
            "id", "order_id", "line_id", "product_name", "brand", "category", "colour", "size", "price", "currency",
            "purchased_on", "image", "received_at",
        )  # fmt: skip
        read_only_fields = ("id", "received_at")
        extra_kwargs = {"order_id": {"required": True}, "line_id": {"required": True}}
        # The (store, owner, order, line) constraint is checked by the service, which answers a repeat with 200.
        validators: list = []

    def validate_currency(self, value: str) -> str:
        return value.upper()

    def validate(self, attrs: dict) -> dict:
        if attrs.get("price") is not None and not attrs.get("currency"):
            raise ValidationError({"currency": ["A price needs a currency, such as EUR."]})
        return attrs


PURCHASE_EXAMPLE = OpenApiExample(
    "A linen shirt",
    value={
        "order_id": "A-1042",
        "line_id": "1",
        "product_name": "Linen shirt",
        "brand": "Linen House",
        "category": "Shirts",
        "colour": "White",
        "size": "M",
        "price": "49.00",
        "currency": "EUR",
        "purchased_on": "2026-03-14",
    },
    request_only=True,
)


@extend_schema(parameters=[SUB])
class StorePurchaseListCreateView(StoreAPIView):
    """Purchases your store sent for one connected person."""

    serializer_class = StorePurchaseSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: StorePurchaseSerializer(many=True), **ERRORS})
    def get(self, request, *args, **kwargs) -> Response:
        """What your store pushed for this person under this connection, newest first (paginated)."""
        page = self.paginate_queryset(store_purchases_sent(connection=self.connection()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": StorePurchaseSerializer, "application/json": StorePurchaseSerializer},
        responses={
            201: StorePurchaseSerializer,
            200: OpenApiResponse(StorePurchaseSerializer, description="This order line was already imported."),
            400: OpenApiResponse(
                description="Invalid data (`invalid`, with `errors`), or a refused picture (`not_an_image`, "
                "`unsupported_type`, `too_large`, `too_many_pixels`, `corrupt`); nothing was stored."
            ),
            **ERRORS,
        },
        examples=[PURCHASE_EXAMPLE],
    )
    def post(self, request, *args, **kwargs) -> Response:
        """Push one order line into the person's closet (STO-6). It lands in their inbox for a one-tap accept, or
        straight in the closet if they chose that. Idempotent per order and line within a connection: sending a line
        again answers 200 with the purchase already made and changes nothing (201 the first time). Send the
        product picture as `image` in a multipart body."""
        connection = self.connection()  # before reading the body: an unknown person is a 404 whatever is sent
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            result = store_purchase_import(connection=connection, **data)
        except ImageRejected as exc:
            raise ImageRefused(exc.message, code=exc.code) from exc
        answer = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(self.get_serializer(result.purchase).data, status=answer)
