"""The inclusive kiosk's server side: the per-kiosk read-aloud option, the per-unit faces option and the
"dibantu petugas" field of the kiosk API (docs/api.md)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from surveys.kiosk import kiosk_create
from surveys.models import Kiosk, Response
from tests.dashboard_helpers import client_for
from tests.test_kiosk_api import KIOSK_URL, body, post
from tests.test_qr_survey import answer, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def paired(world):
    return kiosk_create(unit=world.unit, name="Tablet loket 1", by=world.operator)


def kiosk_config(token):
    cache.clear()
    return Client().get(KIOSK_URL, HTTP_AUTHORIZATION=f"Kiosk {token}").json()


def test_staff_turn_reading_aloud_on_and_the_kiosk_gets_it_with_its_config(world, paired):
    kiosk, token = paired
    data = kiosk_config(token)
    assert data["kiosk"] == {"name": "Tablet loket 1", "read_aloud": False}
    assert data["unit"]["faces"] is False
    url = reverse("surveys:kiosk_read_aloud", args=[world.unit.code, kiosk.id])
    page = client_for(world.operator).post(url, {"read_aloud": "1"}, follow=True)
    assert "kini membacakan setiap pertanyaan" in page.content.decode()
    assert Kiosk.objects.get(pk=kiosk.pk).read_aloud is True
    assert kiosk_config(token)["kiosk"]["read_aloud"] is True
    listing = client_for(world.operator).get(reverse("surveys:kiosks", args=[world.unit.code])).content.decode()
    assert "Membacakan: ya" in listing
    client_for(world.operator).post(url, {"read_aloud": "0"})
    assert kiosk_config(token)["kiosk"]["read_aloud"] is False


def test_staff_of_another_unit_cannot_change_the_option(world, paired):
    kiosk, _token = paired
    url = reverse("surveys:kiosk_read_aloud", args=[world.unit.code, kiosk.id])
    assert client_for(world.other_agency_admin).post(url, {"read_aloud": "1"}).status_code == 404
    assert Kiosk.objects.get(pk=kiosk.pk).read_aloud is False


def test_the_unit_option_shows_faces(world, paired):
    _kiosk, token = paired
    world.unit.show_faces = True
    world.unit.save()
    assert kiosk_config(token)["unit"]["faces"] is True


def test_the_kiosk_api_stores_dibantu_petugas(world, paired):
    _kiosk, token = paired
    assert post(token, body(world, assisted=True)).status_code == 201
    assert post(token, body(world)).status_code == 201
    assert sorted(Response.objects.values_list("assisted", flat=True)) == [False, True]


def test_a_wrong_dibantu_petugas_is_refused_clearly(world, paired):
    _kiosk, token = paired
    answer = post(token, body(world, assisted="ya"))
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"assisted": "dibantu petugas harus true atau false"}
    assert not Response.objects.exists()


def test_a_phone_cannot_claim_staff_help(world):
    assert send(world.unit, answer(world, assisted=True)).status_code == 201
    assert list(Response.objects.values_list("channel", "assisted")) == [("qr", False)]
