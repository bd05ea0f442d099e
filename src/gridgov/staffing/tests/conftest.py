import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The shared `users` fixture hashes ten passwords per test; Argon2 makes that seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
