"""Staff accounts: login throttling and lockout, session expiry, CSRF on forms; the kiosk API sets no cookie."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.1.2.3"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_lock_that_account_from_that_address(world):
    client = Client()
    for _ in range(4):
        assert attempt(client, "camat", "salah-tebak").status_code == 200
    locked = attempt(client, "camat", "salah-tebak")
    assert locked.status_code == 429 and "Terlalu banyak percobaan masuk" in locked.content.decode()
    assert attempt(client, "camat", PASSWORD).status_code == 429  # even the right password, for a while
    assert attempt(Client(), "camat", PASSWORD, ip="10.9.9.9").status_code == 302  # a colleague elsewhere
    assert attempt(Client(), "operator", PASSWORD).status_code == 302  # another account, same office


def test_a_good_login_clears_earlier_failures(world):
    client = Client()
    for _ in range(4):
        attempt(client, "operator", "keliru")
    assert attempt(client, "operator", PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt(Client(), "operator", "keliru").status_code == 200


def test_staff_sessions_end_after_a_working_day_or_when_the_browser_closes(world):
    client = sign_in(Client(), "camat")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_AGE <= 9 * 60 * 60
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"


def test_forms_refuse_a_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "camat", "password": PASSWORD}).status_code == 403


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("12345678", "password", "abc"):
        with pytest.raises(ValidationError):
            validate_password(weak)
