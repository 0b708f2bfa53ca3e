"""Pairing a tablet with a unit: staff register, list and revoke kiosks; `kiosk_create` does it by script."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from surveys.kiosk import kiosk_create
from surveys.models import Kiosk, _hash_token
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-uji-123"
LINK = re.compile(r"(http://testserver/kiosk/#([A-Za-z0-9_-]{20,}))")


def login(user) -> Client:
    client = Client()
    sign_in(client, user.username, PASSWORD)
    return client


def kiosks_url(unit):
    return f"/staf/unit/{unit.code}/kios/"


def test_it_registers_a_kiosk_and_shows_its_link_and_qr_code_once(world):
    client = login(world.operator)
    response = client.post(kiosks_url(world.unit), {"name": "  Tablet loket 1 "})
    assert response.status_code == 200
    page = response.content.decode()
    link, token = LINK.search(page).groups()
    kiosk = Kiosk.objects.get(unit=world.unit)
    assert kiosk.name == "Tablet loket 1" and kiosk.created_by == world.operator
    assert kiosk.token_hash == _hash_token(token) and token not in kiosk.token_hash
    assert "<svg" in page and 'id="kiosk-link"' in page
    assert "no-store" in response["Cache-Control"]
    # The token works on the API at once, and the list never shows it again.
    api = Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION=f"Kiosk {token}")
    assert api.status_code == 200 and api.json()["unit"]["code"] == world.unit.code
    again = client.get(kiosks_url(world.unit)).content.decode()
    assert "Tablet loket 1" in again and token not in again


def test_it_lists_the_units_kiosks_with_last_seen_time(world):
    seen, _token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    seen.last_seen_at = timezone.make_aware(timezone.datetime(2026, 11, 20, 9, 15))
    seen.save()
    kiosk_create(unit=world.unit, name="Tablet loket 2")
    kiosk_create(unit=world.other_unit, name="Tablet dinas lain")
    page = login(world.agency_admin).get(kiosks_url(world.unit)).content.decode()
    assert "Tablet loket 1" in page and "Tablet loket 2" in page and "Tablet dinas lain" not in page
    assert "20 Nov 2026 09:15" in page and "belum pernah" in page


def test_it_refuses_an_empty_kiosk_name(world):
    response = login(world.operator).post(kiosks_url(world.unit), {"name": "   "})
    assert response.status_code == 200
    assert Kiosk.objects.count() == 0
    assert "is-invalid" in response.content.decode()


def test_it_lets_an_agency_admin_pair_kiosks_in_its_sub_agencies(world):
    client = login(world.agency_admin)
    assert client.post(kiosks_url(world.sub_unit), {"name": "Tablet kelurahan"}).status_code == 200
    assert Kiosk.objects.get().unit == world.sub_unit


@pytest.mark.parametrize("who", ["other_agency_admin", "stranger", "nobody"])
def test_it_hides_other_units_kiosks_with_404(world, who):
    kiosk, _token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    client = login(getattr(world, who))
    assert client.get(kiosks_url(world.unit)).status_code == 404
    assert client.post(kiosks_url(world.unit), {"name": "Sisipan"}).status_code == 404
    assert client.post(f"/staf/unit/{world.unit.code}/kios/{kiosk.id}/cabut/").status_code == 404
    assert Kiosk.objects.count() == 1
    kiosk.refresh_from_db()
    assert kiosk.revoked_at is None


def test_it_sends_anonymous_visitors_to_the_login(world):
    response = Client().get(kiosks_url(world.unit))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_revokes_a_kiosk_so_its_next_submission_is_refused(world):
    kiosk, token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    assert Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION=f"Kiosk {token}").status_code == 200
    client = login(world.operator)
    response = client.post(f"/staf/unit/{world.unit.code}/kios/{kiosk.id}/cabut/")
    assert response.status_code == 302
    kiosk.refresh_from_db()
    assert kiosk.revoked_at is not None
    assert Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION=f"Kiosk {token}").status_code == 403
    page = client.get(kiosks_url(world.unit)).content.decode()
    assert "dicabut" in page and "Ya, cabut kios ini" not in page


def test_it_does_not_revoke_a_kiosk_through_another_units_address(world):
    other, _token = kiosk_create(unit=world.other_unit, name="Tablet dinas")
    client = login(world.agency_admin)
    assert client.post(f"/staf/unit/{world.unit.code}/kios/{other.id}/cabut/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_it_needs_post_to_revoke(world):
    kiosk, _token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    assert login(world.operator).get(f"/staf/unit/{world.unit.code}/kios/{kiosk.id}/cabut/").status_code == 405


def test_the_command_prints_a_working_link_and_token(world):
    out = StringIO()
    call_command("kiosk_create", world.unit.code, "Tablet loket 3", "--base-url", "https://skm.example.go.id/",
                 stdout=out)
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    token = lines["token"]
    assert lines["link"] == f"https://skm.example.go.id/kiosk/#{token}"
    kiosk = Kiosk.objects.get(name="Tablet loket 3")
    assert kiosk.unit == world.unit and kiosk.token_hash == _hash_token(token)
    assert Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION=f"Kiosk {token}").status_code == 200


def test_the_command_refuses_an_unknown_unit(world):
    with pytest.raises(CommandError, match="tidak-ada"):
        call_command("kiosk_create", "tidak-ada", "Tablet", stdout=StringIO())
    assert Kiosk.objects.count() == 0
