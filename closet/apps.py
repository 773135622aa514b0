from django.apps import AppConfig


class ClosetConfig(AppConfig):
    name = "closet"
    verbose_name = "Closet"
