from __future__ import annotations

from django import forms

from core.images import human_bytes
from support.services import ATTACHMENT_MAX_BYTES, BODY_MAX_LENGTH, MAX_ATTACHMENTS, SUBJECT_MAX_LENGTH

ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf,.jpg,.jpeg,.png,.webp,.heic,.heif,.pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the real checks (type from the content, size) happen in the service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(f"Up to {MAX_ATTACHMENTS} attachments per message, please.")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _attachments_field() -> MultipleFileField:
    return MultipleFileField(
        required=False,
        label="Attachments",
        help_text=f"Up to {MAX_ATTACHMENTS} pictures or PDF files, {human_bytes(ATTACHMENT_MAX_BYTES)} each. "
        "Location and camera details are removed from pictures.",
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )


class SupportThreadForm(forms.Form):
    subject = forms.CharField(max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(label="Message", max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = _attachments_field()


class SupportReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = _attachments_field()
