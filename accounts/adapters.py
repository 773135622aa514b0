from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Closed until the age gate exists: no account may be created without the minimum-age check (ACC-3).
        return settings.SIGNUP_OPEN
