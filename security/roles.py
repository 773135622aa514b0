"""Staff roles (SEC-1): two groups with the least permissions their work needs. Superusers are the only other staff.

=====================================  =========================  ===========================================
What                                   Support                    Privacy officer
=====================================  =========================  ===========================================
Users (accounts.User)                  view                       view
Profiles (accounts.Profile)            view                       no
Support threads (support.*)            view, change thread;       no
                                       view, add messages
Privacy requests                       view                       view, add (e-mailed requests), change
Privacy request events (history)       no                         view, change
Consent events (the consent log)       no                         view (never change: it is proof)
Data exports (privacy.ExportJob)       no                         view
Security log (security.SecurityEvent)  no                         view
Security incidents                     no                         view, add, change; add/view affected users
Staff access log                       no                         view
Store connections, deletion notices    no                         view (with the notices' attempts); RGT-7
Retention status, data map             no                         view (/staff/privacy/retention/, data-map/)
Usage dashboard (counts only)          no                         view (/staff/analytics/)
=====================================  =========================  ===========================================

Neither group may delete anything, change a user, or change a consent event. A staff member is made staff
(``is_staff``) and put in one group by a superuser. The groups are created, and their permissions reset to
exactly this table, after every ``migrate`` (``staff_groups_ensure``): a permission added by hand to a group is
removed again, so the table above stays the truth. Permissions of apps not installed yet are skipped.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

SUPPORT = "Support"
PRIVACY_OFFICER = "Privacy officer"

STAFF_GROUPS: dict[str, tuple[str, ...]] = {
    SUPPORT: (
        "accounts.view_user",
        "accounts.view_profile",
        "support.view_supportthread",
        "support.change_supportthread",
        "support.view_supportmessage",
        "support.add_supportmessage",
        "privacy.view_privacyrequest",
    ),
    PRIVACY_OFFICER: (
        "accounts.view_user",
        "privacy.view_privacyrequest",
        "privacy.add_privacyrequest",
        "privacy.change_privacyrequest",
        "privacy.view_privacyrequestevent",
        "privacy.change_privacyrequestevent",
        "privacy.view_consentevent",
        "privacy.view_exportjob",
        "security.view_securityevent",
        "security.view_securityincident",
        "security.add_securityincident",
        "security.change_securityincident",
        "security.view_incidentaffecteduser",
        "security.add_incidentaffecteduser",
        "security.view_staffaccesslog",
        # Who is connected to which store, and whether every store was told to delete (RGT-7). "Retry now" needs
        # the change permission, which stays with superusers.
        "stores.view_storeconnection",
        "stores.view_storenotice",
        "stores.view_storenoticeattempt",
        # The staff pages outside the admin: the retention status and data map (view_retentionrun), and the usage
        # dashboard (view_usageevent). Neither model has an admin, so these open no row about anyone.
        "privacy.view_retentionrun",
        "privacy.view_usageevent",
    ),
}


def _permissions(names: tuple[str, ...], using: str) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".", 1)
        permissions = Permission.objects.using(using)
        permission = permissions.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:  # an app built later (support) adds its permissions on a later migrate
            found.append(permission)
    return found


def staff_groups_ensure(**kwargs) -> None:
    """Create the staff groups and set their permissions to exactly STAFF_GROUPS. Safe to run any number of times
    (connected to post_migrate)."""
    using = kwargs.get("using", "default")
    for name, permission_names in STAFF_GROUPS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(_permissions(permission_names, using))
