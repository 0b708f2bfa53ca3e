"""Staff accounts: login throttling and lockout, session expiry, CSRF on forms; the kiosk API sets no cookie."""

import pytest
from axes.models import AccessAttempt
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


def test_a_username_is_locked_after_failures_spread_over_many_addresses(world, settings):
    """The probe's 32 wrong passwords over 8 addresses: locked at LOGIN_FAILURES_PER_USERNAME, whatever the
    address, the right password included; other accounts from those addresses still get in."""
    limit = settings.LOGIN_FAILURES_PER_USERNAME
    answers = [attempt(Client(), "camat", "salah-tebak", ip=f"10.7.0.{n % 8}").status_code for n in range(32)]

    assert answers[:limit - 1] == [200] * (limit - 1)
    assert set(answers[limit - 1:]) == {429}
    locked = attempt(Client(), "camat", PASSWORD, ip="10.99.0.1")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Terlalu banyak percobaan masuk" in page and "minta admin membuka kuncinya" in page
    assert attempt(Client(), "operator", PASSWORD, ip="10.7.0.1").status_code == 302


def test_an_address_is_locked_after_failures_over_many_usernames(world, settings):
    limit = settings.LOGIN_FAILURES_PER_ADDRESS
    answers = [attempt(Client(), f"tebakan-{n}", "salah", ip="10.8.0.8").status_code for n in range(limit)]

    assert answers[:-1] == [200] * (limit - 1) and answers[-1] == 429
    assert attempt(Client(), "operator", PASSWORD, ip="10.8.0.8").status_code == 429  # that address, any account
    assert attempt(Client(), "operator", PASSWORD, ip="10.8.0.9").status_code == 302  # the account elsewhere


def test_a_good_login_from_one_address_does_not_clear_a_username_attacked_from_it(world, settings):
    for n in range(settings.LOGIN_FAILURES_PER_USERNAME - 1):
        attempt(Client(), "camat", "salah", ip=f"10.6.0.{n % 3}")
    assert attempt(Client(), "operator", PASSWORD, ip="10.6.0.1").status_code == 302  # another account logs in
    assert attempt(Client(), "camat", "salah", ip="10.6.0.5").status_code == 429


def test_an_admin_unlocks_a_locked_username_in_the_django_admin(world, admin_client):
    for n in range(12):
        attempt(Client(), "camat", "salah-tebak", ip=f"10.5.0.{n}")
    assert attempt(Client(), "camat", PASSWORD, ip="10.5.1.1").status_code == 429
    listing = admin_client.get("/admin/axes/accessattempt/", {"q": "camat"})
    assert listing.status_code == 200
    ids = [attempt.pk for attempt in listing.context["cl"].queryset]
    assert len(ids) >= 10
    assert set(ids) == set(AccessAttempt.objects.filter(username="camat").values_list("pk", flat=True))

    confirm = admin_client.post("/admin/axes/accessattempt/", {"action": "delete_selected",
                                                               "_selected_action": ids, "post": "yes"})

    assert confirm.status_code == 302
    assert attempt(Client(), "camat", PASSWORD, ip="10.5.1.1").status_code == 302
