"""Support on the web (SUP-1): the person's conversations with a form to start one, and each conversation with
its messages, attachment links (signed and expiring) and a reply form. Another person's conversation is a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.views import OwnerScopedObjectMixin, form_add_service_errors
from support.forms import SupportReplyForm, SupportThreadForm
from support.models import SupportThread
from support.selectors import support_thread_list, support_thread_messages
from support.services import support_message_add, support_thread_create


class SupportHomeView(LoginRequiredMixin, View):
    """GET: the person's conversations and the form to write to us. POST: start a conversation."""

    template_name = "support/home.html"

    def _page(self, request: HttpRequest, form: SupportThreadForm, *, status: int = 200) -> HttpResponse:
        threads = support_thread_list(user=request.user)
        context = {"threads": threads, "form": form, "retention_days": settings.RETENTION_SUPPORT_DAYS}
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, SupportThreadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SupportThreadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                thread = support_thread_create(owner=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, "Your message is on its way. We will e-mail you when we answer.")
                return redirect("support:thread", pk=thread.pk)
        return self._page(request, form, status=400)


class SupportThreadView(OwnerScopedObjectMixin, SingleObjectMixin, View):
    """GET: one conversation and the reply form. POST: reply (which reopens a closed conversation)."""

    model = SupportThread
    selector = support_thread_list
    template_name = "support/thread.html"
    context_object_name = "thread"

    def _page(self, request: HttpRequest, form: SupportReplyForm, *, status: int = 200) -> HttpResponse:
        thread = self.object
        context = {"thread": thread, "thread_messages": support_thread_messages(thread=thread), "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = self.get_object()
        return self._page(request, SupportReplyForm())

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = self.get_object()  # first: another person's conversation is a 404 whatever was sent
        form = SupportReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                support_message_add(thread=self.object, author=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, "Your reply is sent.")
                return redirect("support:thread", pk=self.object.pk)
        return self._page(request, form, status=400)
