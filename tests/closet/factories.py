import datetime

import factory

from closet.models import (
    Category,
    Colour,
    Item,
    ItemPhoto,
    Outfit,
    OutfitItem,
    OutfitJob,
    PackingEntry,
    PairFeedback,
    PhotoStatus,
    Plan,
    Suggestion,
    Tag,
    Trip,
    Wear,
)
from tests.accounts.factories import UserFactory


def category(slug: str = "tops") -> Category:
    """A built-in category (loaded by migration closet.0002)."""
    return Category.objects.get(slug=slug)


def colour(slug: str) -> Colour:
    return Colour.objects.get(slug=slug)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"tag{n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Garment {n}")
    category = factory.LazyFunction(lambda: category("tops"))
    brand = "Arket"

    @factory.post_generation
    def colours(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.colours.set(extracted)


class ItemPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemPhoto

    owner = factory.SubFactory(UserFactory)
    item = factory.SubFactory(ItemFactory, owner=factory.SelfAttribute("..owner"))
    status = PhotoStatus.READY
    original = factory.django.FileField(filename="photo.jpg", data=b"jpeg")
    thumbnail = factory.django.FileField(filename="thumb.webp", data=b"webp")


class OutfitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outfit

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Outfit {n}")


class OutfitItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutfitItem

    outfit = factory.SubFactory(OutfitFactory)
    item = factory.SubFactory(ItemFactory, owner=factory.SelfAttribute("..outfit.owner"))


class WearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wear

    owner = factory.SubFactory(UserFactory)
    item = factory.SubFactory(ItemFactory, owner=factory.SelfAttribute("..owner"))
    worn_on = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    owner = factory.SubFactory(UserFactory)
    outfit = factory.SubFactory(OutfitFactory, owner=factory.SelfAttribute("..owner"))
    planned_on = datetime.date(2026, 12, 1)


class TripFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trip

    owner = factory.SubFactory(UserFactory)
    name = "Lisbon weekend"
    starts_on = datetime.date(2026, 12, 4)
    ends_on = datetime.date(2026, 12, 7)


class PackingEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackingEntry

    trip = factory.SubFactory(TripFactory)
    item = factory.SubFactory(ItemFactory, owner=factory.SelfAttribute("..trip.owner"))


class OutfitJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutfitJob

    owner = factory.SubFactory(UserFactory)
    occasion = "office"


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    owner = factory.SubFactory(UserFactory)
    job = factory.SubFactory(OutfitJobFactory, owner=factory.SelfAttribute("..owner"), status="succeeded")
    rationale = factory.LazyFunction(lambda: ["Not worn for 94 days"])


class PairFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairFeedback

    owner = factory.SubFactory(UserFactory)
    item_a = factory.SubFactory(ItemFactory, owner=factory.SelfAttribute("..owner"))
    item_b = factory.SubFactory(ItemFactory, owner=factory.SelfAttribute("..owner"))
    liked = False
