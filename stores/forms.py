"""Forms of Settings → Connected stores."""

from __future__ import annotations

from django import forms


class AutoAcceptForm(forms.Form):
    """The "purchases go straight to my closet" switch: a checkbox, so an unticked box means off."""

    auto_accept_purchases = forms.BooleanField(required=False)
