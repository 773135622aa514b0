from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView, ListView

from closet.models import Item
from closet.selectors import item_list
from core.views import OwnerScopedObjectMixin


class ItemListView(LoginRequiredMixin, ListView):
    template_name = "closet/item_list.html"
    context_object_name = "items"
    paginate_by = 60

    def get_queryset(self):
        return item_list(user=self.request.user)


class ItemDetailView(OwnerScopedObjectMixin, DetailView):
    model = Item
    selector = item_list
    template_name = "closet/item_detail.html"
    context_object_name = "item"
