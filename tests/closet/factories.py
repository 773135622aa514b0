import factory

from closet.models import Category, Item
from tests.accounts.factories import UserFactory


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Garment {n}")
    category = Category.TOP
    colour = "navy"
    brand = "Arket"
