from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "stores"
    verbose_name = "Connected stores"

    def ready(self) -> None:
        from stores import signals  # noqa: F401  (the closet list's cache follows the stores inbox)
