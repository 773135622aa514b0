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


class AccountDeleteForm(forms.Form):
    """Typing the account's address is the confirmation: deleting an account is never one stray click."""

    email = forms.EmailField(label="Type your e-mail address to confirm")

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email.strip().lower() != self.user.email.lower():
            raise forms.ValidationError("This is not the address of the account you are signed in to.")
        return email


class RestrictionForm(forms.Form):
    purposes = forms.MultipleChoiceField(
        label="Restrict or object to",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        from privacy.models import RestrictablePurpose

        super().__init__(*args, **kwargs)
        self.fields["purposes"].choices = RestrictablePurpose.choices
