"""form_add_service_errors: a service's refusal lands on the form that asked for the change, never as a 500."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.views import form_add_service_errors


class TripForm(forms.Form):
    name = forms.CharField()
    ends_on = forms.DateField(required=False)


def _refused(exc: ValidationError) -> TripForm:
    form = TripForm({"name": "Lisbon"})
    assert form.is_valid()
    form_add_service_errors(form, exc)
    return form


def test_a_refusal_naming_a_field_of_the_form_is_shown_next_to_it():
    form = _refused(ValidationError({"ends_on": "A trip ends on or after its first day."}))
    assert form.errors == {"ends_on": ["A trip ends on or after its first day."]}


def test_a_refusal_naming_a_field_the_form_does_not_have_is_shown_above_the_form():
    form = _refused(ValidationError({"owner": "Unknown owner.", NON_FIELD_ERRORS: ["Not now."]}))
    assert form.non_field_errors() == ["Unknown owner.", "Not now."]
    assert "owner" not in form.errors


def test_a_refusal_naming_no_field_is_shown_above_the_form():
    form = _refused(ValidationError(["Too many trips.", "Try again later."]))
    assert form.non_field_errors() == ["Too many trips.", "Try again later."]
    assert not form.is_valid()
