from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Security and staff audit"
    default = True

    def ready(self) -> None:
        from security import signals  # noqa: F401  (the security log's receivers)
        from security.roles import staff_groups_ensure

        # Sent for this app once every app before it (auth's permissions included) has been migrated.
        post_migrate.connect(staff_groups_ensure, sender=self, dispatch_uid="security.staff_groups_ensure")


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site as the default one: every admin page of personal data is audited
    (security.admin_site). Installed in place of "django.contrib.admin"."""

    default = False
    default_site = "security.admin_site.StaffAdminSite"
