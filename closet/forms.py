from __future__ import annotations

from django import forms

from closet.models import SEASONS, Category, Colour, Item


class ItemForm(forms.ModelForm):
    """The fields a person edits on an item page; writes go through closet.services."""

    category = forms.ModelChoiceField(queryset=Category.objects.filter(parent__isnull=True), empty_label=None)
    subcategory = forms.ModelChoiceField(queryset=Category.objects.filter(parent__isnull=False), required=False)
    colours = forms.ModelMultipleChoiceField(
        queryset=Colour.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    seasons = forms.MultipleChoiceField(
        choices=[(s, s.capitalize()) for s in SEASONS], required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = forms.CharField(required=False, help_text="Separate tags with commas: work, linen, favourite")

    class Meta:
        model = Item
        fields = (
            "name", "category", "subcategory", "colours", "pattern", "material", "brand", "size", "formality",
            "warmth", "price", "currency", "purchase_date", "status", "wash_interval", "last_washed_on", "notes",
        )  # fmt: skip
        widgets = {
            "purchase_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "last_washed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seasons"].initial = self.instance.seasons
            self.fields["tags"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def changes(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["seasons"] = self.cleaned_data["seasons"]
        data["tags"] = self.cleaned_data["tags"]
        return data
