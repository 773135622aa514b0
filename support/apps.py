from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from support import signals  # noqa: F401  (connects the receiver that deletes attachment files)
