from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from privacy import signals, third_party  # noqa: F401  (receivers; declarations of other packages' models)
        from privacy.registry import registry_validate

        registry_validate()
