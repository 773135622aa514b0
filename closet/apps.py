from django.apps import AppConfig


class ClosetConfig(AppConfig):
    name = "closet"
    verbose_name = "Closet"

    def ready(self) -> None:
        # The receivers that clear the closet-list cache on writes that bypass the services (closet/list_cache.py).
        from closet import signals  # noqa: F401
