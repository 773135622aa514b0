from __future__ import annotations

from datetime import date

from allauth.core import context as allauth_context
from allauth.socialaccount.internal.flows.signup import clear_pending_signup
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import timezone

from accounts.models import FIT_PREFERENCES, LOCALES, PROFILE_FIELDS, VIBES, Profile, UnitSystem, User


def age_gate_refusal_forget() -> None:
    """Nothing about a person under the minimum age may stay with us (ACC-3).

    A Google or Apple sign-up parks the provider's answer (name, e-mail, even its tokens) in the session while
    the person fills in our form; when the age check fails, that is dropped at once, on the web and headless alike.
    """
    request = allauth_context.request
    if request is not None and hasattr(request, "session"):
        clear_pending_signup(request)


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class SignupDetailsForm(forms.Form):
    """The fields allauth adds to every sign-up form (web, headless, social): ACCOUNT_SIGNUP_FORM_CLASS.

    The date of birth is checked and then forgotten (ACC-3): it is never saved, and under the minimum age the
    form is invalid, so allauth creates nothing at all.
    """

    display_name = forms.CharField(
        max_length=80, required=False, help_text="What we call you. You can change it later."
    )
    date_of_birth = forms.DateField(
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text="Only used to check your age. We don't keep it.",
        error_messages={
            "required": "Please enter your date of birth.",
            "invalid": "Please enter your date of birth as YYYY-MM-DD, for example 1994-05-31.",
        },
    )

    marketing_email = forms.BooleanField(
        required=False,
        initial=False,
        label="Send me SesioCloset news by e-mail",
        help_text="Optional. Every e-mail has a one-click unsubscribe link, and you can change this in Settings.",
    )

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("A date of birth can't be in the future. Please check the date.")
        if born.year < 1900:
            raise forms.ValidationError("Please check the year of your date of birth.")
        if age_on(born, today) < settings.MINIMUM_AGE:
            age_gate_refusal_forget()
            raise forms.ValidationError(
                f"Sorry, SesioCloset is for people aged {settings.MINIMUM_AGE} and over, so we can't create an "
                "account for you. We haven't kept anything you entered.",
                code="under_minimum_age",
            )
        return born

    def signup(self, request, user) -> None:
        """Required by allauth; the work is done in AccountAdapter.save_user, before the user is saved."""


class ProfileForm(forms.ModelForm):
    display_name = forms.CharField(max_length=80, required=False)
    avatar_upload = forms.FileField(
        required=False, label="New avatar", help_text="JPEG, PNG, WebP or HEIC, up to 10 MB."
    )
    avatar_remove = forms.BooleanField(required=False, label="Remove my avatar")
    locale = forms.ChoiceField(choices=[("", "—"), *LOCALES], required=False, label="Language")
    unit_system = forms.ChoiceField(choices=[("", "—"), *UnitSystem.choices], required=False, label="Units")
    vibes = forms.MultipleChoiceField(
        choices=[(v, v.capitalize()) for v in VIBES], required=False, widget=forms.CheckboxSelectMultiple
    )
    fit_preferences = forms.MultipleChoiceField(
        choices=[(v, v.capitalize()) for v in FIT_PREFERENCES], required=False, widget=forms.CheckboxSelectMultiple
    )
    favourite_colours = forms.CharField(required=False, help_text="Separate colours with commas: navy, camel, olive")
    avoided_colours = forms.CharField(required=False, help_text="Separate colours with commas.")

    class Meta:
        model = Profile
        fields = PROFILE_FIELDS

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].initial = user.display_name
        self.fields["timezone"].help_text = "For example Europe/Helsinki. Times in e-mails use it."
        for name in ("favourite_colours", "avoided_colours"):
            self.fields[name].initial = ", ".join(getattr(self.instance, name) or [])

    def clean_favourite_colours(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["favourite_colours"].split(",") if c.strip()]

    def clean_avoided_colours(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["avoided_colours"].split(",") if c.strip()]

    def profile_changes(self) -> dict:
        fields = PROFILE_FIELDS
        changes = {name: self.cleaned_data.get(name) for name in fields}
        changes["favourite_colours"] = self.cleaned_data["favourite_colours"]
        changes["avoided_colours"] = self.cleaned_data["avoided_colours"]
        return changes


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    # Fields that are the person's own data: staff may correct them only under a rectification request (RGT-3).
    PERSONAL_FIELDS = ("email", "display_name")

    rectification_request = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Rectification request",
        help_text="Correcting the person's e-mail or name needs their open rectification request; the change is "
        "recorded on it and the request is completed.",
    )

    def __init__(self, *args, **kwargs) -> None:
        from privacy.selectors import privacy_requests_open_for_rectification

        super().__init__(*args, **kwargs)
        self.fields["rectification_request"].queryset = privacy_requests_open_for_rectification(user=self.instance)

    def clean(self):
        cleaned = super().clean()
        changed = [name for name in self.PERSONAL_FIELDS if name in self.changed_data]
        if changed and not cleaned.get("rectification_request"):
            raise forms.ValidationError(
                "Changing %(fields)s is a correction of the person's data: choose their rectification request "
                "(log it under Privacy requests first if it came by e-mail).",
                params={"fields": " and ".join(changed)},
            )
        return cleaned
