"""CSV on the web: download your closet (``/closet/export.csv``) and import items from a file (``/closet/import/``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from closet.services import csv_io


class ItemsCsvExportView(LoginRequiredMixin, View):
    """GET: every item of yours as a CSV download (columns: docs/csv.md), safe to open in a spreadsheet."""

    def get(self, request: HttpRequest) -> HttpResponse:
        # The byte-order mark makes spreadsheet apps read the file as UTF-8 (accents, €), and import accepts it.
        text = csv_io.closet_items_csv_text(user=request.user, bom=True)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        filename = f"sesiocloset-items-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 text with a header row; up to 2 MB and 5,000 items. The columns are explained below.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ItemsCsvImportView(LoginRequiredMixin, View):
    """GET: the upload form. POST: import; good rows become items, bad rows are listed by line with the reason."""

    template_name = "closet/csv_import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, CsvImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CsvImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            report = csv_io.closet_items_csv_import(owner=request.user, upload=form.cleaned_data["file"])
        except csv_io.CsvRejected as exc:
            form.add_error("file", exc.message)
            return self._render(request, form, status=400)
        created = len(report.created)
        if created:
            messages.success(request, f"{created} item{'' if created == 1 else 's'} imported into your closet.")
        if report.errors:
            failed = len(report.errors)
            messages.warning(request, f"{failed} row{'' if failed == 1 else 's'} could not be imported: see below.")
        # Not a redirect: the report of the rows that failed is shown once, and the file is not kept anywhere.
        status = 400 if report.errors and not created else 200
        return self._render(request, CsvImportForm(), report=report, status=status)

    def _render(self, request: HttpRequest, form: CsvImportForm, *, report=None, status: int = 200) -> HttpResponse:
        context = {"form": form, "report": report, "columns": csv_io.COLUMNS, "separator": csv_io.LIST_SEPARATOR}
        return render(request, self.template_name, context, status=status)
