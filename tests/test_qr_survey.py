"""The public QR survey: the kiosk's form on a phone, its abuse control, and the printable poster."""

import io
import json
import time
import uuid
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from agencies.models import Service
from surveys.kiosk import kiosk_create
from surveys.models import PublicHit, Response
from surveys.qr import FORM_SALT
from surveys.ratelimit import client_hash
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-uji-123"


def form_token(unit, *, age=60):
    """A form token as the page hands it out, issued `age` seconds ago."""
    return signing.dumps({"u": unit.code, "t": int(time.time()) - age}, salt=FORM_SALT, compress=True)


def answer(world, unit=None, **changes):
    unit = unit or world.unit
    data = {
        "key": str(uuid.uuid4()), "service": unit.services.first().id,
        "answered_at": timezone.now().isoformat(),
        "profile": {"gender": "L", "age": 41, "education": "D4/S1", "occupation": "Wirausaha"},
        "answers": {f"U{i}": 4 for i in range(1, 10)}, "suggestion": "",
        "form_token": form_token(unit), "website": "",
    }
    data.update(changes)
    return data


def send(unit, data, ip="203.0.113.7", client=None, **extra):
    client = client or Client()
    return client.post(f"/s/{unit.code}/", json.dumps(data), content_type="application/json", REMOTE_ADDR=ip,
                       **extra)


def page_config(response):
    html = response.content.decode()
    start = html.index('<script id="survey-config" type="application/json">') + len(
        '<script id="survey-config" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def test_it_shows_the_kiosk_form_for_the_unit_on_a_public_link(world):
    response = Client().get(f"/s/{world.unit.code}/")
    assert response.status_code == 200
    config = page_config(response)
    assert config["mode"] == "public" and config["submit"] == f"/s/{world.unit.code}/"
    assert config["payload"]["unit"]["name"] == "Loket Kecamatan"
    assert [s["id"] for s in config["payload"]["services"]] == [world.service.id]
    assert len(config["payload"]["elements"]) == 9 and config["service"] is None
    assert signing.loads(config["form_token"], salt=FORM_SALT)["u"] == world.unit.code
    html = response.content.decode()
    assert "surveys/kiosk.js" in html and "surveys/kiosk.css" in html and "bootstrap" not in html
    assert 'name="website"' in html
    assert "<script>" not in html  # no inline script: only JSON data blocks
    assert "no-cache" in response["Cache-Control"]


def test_it_preselects_the_service_of_a_service_link(world):
    config = page_config(Client().get(f"/s/{world.unit.code}/{world.service.id}/"))
    assert config["service"] == world.service.id


@pytest.mark.parametrize("path", ["/s/tidak-ada/", "/s/{unit}/{other_service}/", "/s/{unit}/999999/"])
def test_it_answers_404_for_an_unknown_unit_or_a_service_of_another_unit(world, path):
    path = path.format(unit=world.unit.code, other_service=world.other_unit.services.get().id)
    assert Client().get(path).status_code == 404


def test_it_answers_404_for_an_inactive_unit(world):
    world.unit.is_active = False
    world.unit.save()
    assert Client().get(f"/s/{world.unit.code}/").status_code == 404
    assert send(world.unit, answer(world)).status_code == 404


def test_it_stores_a_qr_response_without_a_csrf_token_or_cookie(world):
    data = answer(world)
    response = send(world.unit, data, client=Client(enforce_csrf_checks=True))
    assert response.status_code == 201, response.content
    stored = Response.objects.get(pk=response.json()["id"])
    assert stored.channel == "qr" and stored.kiosk is None and not stored.suspected_repeat
    assert str(stored.key) == data["key"] and stored.occupation == "Wirausaha"
    assert not response.cookies
    again = send(world.unit, data)
    assert again.status_code == 200 and again.json()["id"] == stored.id
    assert Response.objects.count() == 1


def test_it_silently_drops_a_filled_honeypot(world):
    response = send(world.unit, answer(world, website="http://spam.example"))
    assert response.status_code == 202
    assert Response.objects.count() == 0


@pytest.mark.parametrize("token, message", [
    (lambda unit: form_token(unit, age=1), "dikirim terlalu cepat"),
    (lambda unit: form_token(unit, age=3 * 24 * 3600), "halaman kedaluwarsa; muat ulang halaman"),
    (lambda unit: "palsu:token", "formulir tidak sah"),
    (lambda unit: None, "formulir tidak sah"),
])
def test_it_refuses_a_form_filled_too_fast_or_with_a_bad_token(world, token, message):
    response = send(world.unit, answer(world, form_token=token(world.unit)))
    assert response.status_code == 400
    assert response.json()["errors"] == {"form_token": message}
    assert Response.objects.count() == 0


def test_it_refuses_a_form_token_of_another_unit(world):
    data = answer(world, form_token=form_token(world.other_unit))
    response = send(world.unit, data)
    assert response.status_code == 400 and "form_token" in response.json()["errors"]


def test_the_minimum_fill_time_is_a_setting(world, settings):
    settings.SKM_QR_MIN_FILL_SECONDS = 0
    assert send(world.unit, answer(world, form_token=form_token(world.unit, age=0))).status_code == 201


def test_it_validates_with_the_same_rules_as_the_kiosk(world):
    response = send(world.unit, answer(world, answers={"U1": 7}, service=world.other_unit.services.get().id))
    assert response.status_code == 400
    assert {"answers.U1", "answers.U9", "service"} <= set(response.json()["errors"])
    assert Response.objects.count() == 0


def test_it_rate_limits_a_client_but_not_others(world, settings):
    settings.SKM_QR_RATE_LIMIT = 3
    for _ in range(3):
        assert send(world.unit, answer(world, answers={"U1": 9})).status_code == 400  # attempts count too
    limited = send(world.unit, answer(world))
    assert limited.status_code == 429
    assert limited["Retry-After"] and limited.json()["detail"]
    assert send(world.unit, answer(world), ip="198.51.100.20").status_code == 201
    assert Response.objects.count() == 1


def test_it_never_rate_limits_a_kiosk_shared_by_many_citizens(world, settings):
    settings.SKM_QR_RATE_LIMIT = 2
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    for _ in range(5):
        data = {**answer(world), "form_token": None, "website": None}
        response = Client().post("/api/v1/responses", json.dumps(data), content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Kiosk {token}", REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 201
    assert Response.objects.count() == 5


def test_it_keys_on_the_forwarded_address_behind_a_trusted_proxy(world, settings):
    settings.SKM_QR_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_HOPS = 1
    assert send(world.unit, answer(world), ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 201
    assert send(world.unit, answer(world), ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 201
    assert send(world.unit, answer(world), ip="10.0.0.1",
                HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.8").status_code == 429


def test_it_flags_a_repeat_from_the_same_client_within_minutes(world):
    first = send(world.unit, answer(world))
    second = send(world.unit, answer(world))
    elsewhere = send(world.other_unit, answer(world, unit=world.other_unit))
    other_phone = send(world.unit, answer(world), ip="198.51.100.20")
    flags = {r.json()["id"]: Response.objects.get(pk=r.json()["id"]).suspected_repeat
             for r in (first, second, elsewhere, other_phone)}
    assert list(flags.values()) == [False, True, False, False]
    assert Response.objects.count() == 4


def test_it_stops_flagging_once_the_window_has_passed(world):
    assert send(world.unit, answer(world)).status_code == 201
    PublicHit.objects.update(at=timezone.now() - timedelta(minutes=11))
    later = send(world.unit, answer(world))
    assert not Response.objects.get(pk=later.json()["id"]).suspected_repeat


def test_it_keeps_no_ip_address_and_rotates_the_client_key_daily(world):
    assert send(world.unit, answer(world), ip="203.0.113.7").status_code == 201
    hit = PublicHit.objects.get()
    assert "203.0.113.7" not in hit.client and len(hit.client) == 64
    now = timezone.now()
    assert client_hash(ip="203.0.113.7", now=now) == hit.client
    assert client_hash(ip="203.0.113.7", now=now + timedelta(days=1)) != hit.client
    assert client_hash(ip="203.0.113.8", now=now) != hit.client


def test_it_forgets_old_attempts(world):
    PublicHit.objects.create(client="x" * 64, unit=world.unit, at=timezone.now() - timedelta(days=3))
    assert send(world.unit, answer(world)).status_code == 201
    assert PublicHit.objects.count() == 1


def test_it_refuses_oversized_and_non_json_bodies(world):
    assert send(world.unit, answer(world, suggestion="x" * 20000)).status_code == 413
    response = Client().post(f"/s/{world.unit.code}/", {"service": "1"})
    assert response.status_code == 415
    assert Response.objects.count() == 0


def login(user) -> Client:
    client = Client()
    sign_in(client, user.username, PASSWORD)
    return client


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    return " ".join(reader.pages[0].extract_text().split())


def test_it_gives_staff_an_a4_poster_with_the_qr_link(world):
    response = login(world.operator).get(f"/staf/unit/{world.unit.code}/poster-qr.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "poster-skm-loket-kecamatan.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Survei Kepuasan Masyarakat" in text and "Loket Kecamatan" in text
    assert "PEMERINTAH KOTA UJI" in text  # upper-cased by the poster style
    assert "Buka kamera ponsel Anda." in text
    assert f"http://testserver/s/{world.unit.code}/" in text


def test_it_makes_a_poster_for_one_service(world):
    response = login(world.agency_admin).get(f"/staf/unit/{world.unit.code}/poster-qr.pdf?service={world.service.id}")
    text = pdf_text(response.content)
    assert "Layanan: Surat Keterangan" in text
    assert f"/s/{world.unit.code}/{world.service.id}/" in text


@pytest.mark.parametrize("query", ["?service=abc", "?service=999999", "?service={other}", "?service=%C2%B2"])
def test_it_answers_404_for_a_poster_of_a_service_outside_the_unit(world, query):
    query = query.format(other=world.other_unit.services.get().id)
    assert login(world.operator).get(f"/staf/unit/{world.unit.code}/poster-qr.pdf{query}").status_code == 404


@pytest.mark.parametrize("who", ["other_agency_admin", "stranger", "nobody"])
def test_it_hides_other_units_posters(world, who):
    assert login(getattr(world, who)).get(f"/staf/unit/{world.unit.code}/poster-qr.pdf").status_code == 404


def test_it_lists_the_public_links_and_posters_on_the_kiosk_page(world):
    Service.objects.create(unit=world.unit, name="Layanan lama", is_active=False)
    page = login(world.operator).get(f"/staf/unit/{world.unit.code}/kios/").content.decode()
    assert f"http://testserver/s/{world.unit.code}/" in page
    assert f"http://testserver/s/{world.unit.code}/{world.service.id}/" in page
    assert f"poster-qr.pdf?service={world.service.id}" in page
    assert "Layanan lama" not in page
