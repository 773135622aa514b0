from django import forms

from privacy.models import RequestKind


class PrivacyRequestForm(forms.Form):
    kind = forms.ChoiceField(label="What do you ask for?", choices=RequestKind.choices)
    details = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example which data, or what should be corrected.",
    )
