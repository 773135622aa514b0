"""CSV export and import of items: ``GET /items/export/`` and ``POST /items/import/`` (columns: docs/csv.md)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import renderers, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from closet.selectors import item_list
from closet.services import csv_io
from core.api.viewsets import OwnerScopedViewSet


class CsvRenderer(renderers.BaseRenderer):
    """Lets a client ask for ``Accept: text/csv``; the export answers with a ready-made CSV response."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        # Only errors reach a renderer (the export itself is an HttpResponse); they keep the JSON shape.
        return renderers.JSONRenderer().render(data)


class CsvImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV file, UTF-8 (with or without a byte-order mark), up to 2 MB.")


IMPORT_RESULT = inline_serializer(
    "CsvImportResult",
    fields={
        "created": serializers.IntegerField(help_text="How many items were imported."),
        "failed": serializers.IntegerField(help_text="How many rows were refused."),
        "errors": inline_serializer(
            "CsvImportRowError",
            fields={
                "line": serializers.IntegerField(),
                "reasons": serializers.ListField(child=serializers.CharField()),
                "detail": serializers.CharField(),
            },
            many=True,
        ),
    },
)


class ItemCsvViewSet(OwnerScopedViewSet):
    """Your items as CSV, and items from a CSV file. The columns are documented in docs/csv.md."""

    selector = item_list
    serializer_class = CsvImportSerializer

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per item.")},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export",
        url_name="export",
        renderer_classes=[renderers.JSONRenderer, CsvRenderer],
    )
    def export(self, request, *args, **kwargs):
        """All your items (any status) as CSV, oldest first. Cells that a spreadsheet would run as a formula
        start with ``'``."""
        response = HttpResponse(csv_io.closet_items_csv_text(user=request.user), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="sesiocloset-items.csv"'
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(request={"multipart/form-data": CsvImportSerializer}, responses={200: IMPORT_RESULT})
    @action(detail=False, methods=["post"], url_path="import", url_name="import", parser_classes=[MultiPartParser])
    def import_csv(self, request, *args, **kwargs):
        """Import items from a CSV file (field ``file``). Each row stands alone: good rows become items, bad rows
        are listed by line number with the reason. A file that cannot be read at all is a 400 and imports nothing."""
        serializer = CsvImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = csv_io.closet_items_csv_import(owner=request.user, upload=serializer.validated_data["file"])
        except csv_io.CsvRejected as exc:
            raise ValidationError({"file": [exc.message]}) from exc
        errors = [{"line": e.line, "reasons": list(e.reasons), "detail": str(e)} for e in report.errors]
        return Response({"created": len(report.created), "failed": len(report.errors), "errors": errors})
