"""A cheap Argon2 for the test suite only.

Production hashes with Django's Argon2 defaults (about 100 MiB and two passes per hash), which is right for people
and far too slow for a suite that signs in, and checks store client secrets, thousands of times. Same algorithm
name and format, so every assertion about how passwords are stored still holds."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1
