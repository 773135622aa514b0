"""Data exports over the API (RGT-1, RGT-2): start one, poll it, fetch its bundle through a signed link."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers

from core.api.viewsets import OwnerScopedViewSet
from core.storage import private_url
from privacy.models import ExportJob
from privacy.selectors import export_job_list
from privacy.services import export_start

DOWNLOAD_URL_SECONDS = 300


class ExportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text=f"A signed link to the ZIP bundle, valid {DOWNLOAD_URL_SECONDS} seconds; null until ready."
    )

    class Meta:
        model = ExportJob
        fields = (
            "id", "status", "progress", "error", "bundle_size", "created_at", "finished_at", "expires_at",
            "download_url",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, job: ExportJob) -> str | None:
        if not job.is_downloadable:
            return None
        url = private_url(job.bundle.name, expire=DOWNLOAD_URL_SECONDS)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None and url.startswith("/") else url


class ExportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OwnerScopedViewSet):
    """Your data exports. POST (no body) starts one, or returns the one already being prepared; poll it until
    ``status`` is ``ready``, then follow ``download_url``. Bundles are deleted 7 days after they are ready."""

    selector = export_job_list
    serializer_class = ExportJobSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def perform_create(self, serializer: ExportJobSerializer) -> None:
        serializer.instance = export_start(owner=self.request.user)
