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
from surveys.models import FormTokenUse, PublicRateCount, RateSalt, Response
from surveys.qr import FORM_SALT
from surveys.ratelimit import client_hash
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-uji-123"


def form_token(unit, *, age=60):
    """A form token as the page hands it out, issued `age` seconds ago."""
    return signing.dumps({"u": unit.code, "t": int(time.time()) - age, "n": uuid.uuid4().hex}, salt=FORM_SALT,
                         compress=True)


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
    (lambda unit: form_token(unit, age=3 * 3600), "halaman kedaluwarsa; muat ulang halaman"),
    (lambda unit: signing.dumps({"u": unit.code, "t": int(time.time()) - 60}, salt=FORM_SALT), "formulir tidak sah"),
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
    assert send(world.unit, answer(world), ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 201
    assert send(world.unit, answer(world), ip="10.0.0.1",
                HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.8").status_code == 429


def test_a_form_token_is_used_once(world):
    token = form_token(world.unit)
    first = send(world.unit, answer(world, form_token=token))
    assert first.status_code == 201
    reused = send(world.unit, answer(world, form_token=token), ip="198.51.100.20")
    assert reused.status_code == 409
    assert reused.json()["errors"] == {"form_token": "formulir sudah dipakai"}
    assert "sudah dipakai" in reused.json()["detail"]
    assert Response.objects.count() == 1


def test_a_refused_answer_leaves_its_form_token_unused(world):
    token = form_token(world.unit)
    assert send(world.unit, answer(world, form_token=token, answers={"U1": 9})).status_code == 400
    assert send(world.unit, answer(world, form_token=token)).status_code == 201
    assert FormTokenUse.objects.count() == 1


def test_a_phone_resending_its_stored_answer_gets_it_back(world):
    data = answer(world)
    first = send(world.unit, data)
    again = send(world.unit, data)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])


def test_five_addresses_of_one_network_share_one_limit(world, settings):
    settings.SKM_QR_RATE_LIMIT = 5
    codes = [send(world.unit, answer(world), ip=f"203.0.113.{host}").status_code for host in (7, 8, 9, 10, 11)]
    assert codes == [201] * 5
    limited = send(world.unit, answer(world), ip="203.0.113.200")
    assert limited.status_code == 429 and int(limited["Retry-After"]) <= 3600 and limited.json()["detail"]
    assert send(world.unit, answer(world), ip="203.0.114.7").status_code == 201  # the next /24
    assert PublicRateCount.objects.count() == 2


def test_ipv6_addresses_of_one_64_share_one_limit(world, settings):
    settings.SKM_QR_RATE_LIMIT = 2
    assert send(world.unit, answer(world), ip="2001:db8:1:2::1").status_code == 201
    assert send(world.unit, answer(world), ip="2001:db8:1:2:ffff::9").status_code == 201
    assert send(world.unit, answer(world), ip="2001:db8:1:2::77").status_code == 429
    assert send(world.unit, answer(world), ip="2001:db8:1:3::1").status_code == 201


def test_malformed_attempts_count_toward_the_limit(world, settings):
    settings.SKM_QR_RATE_LIMIT = 2
    bad = Client().post(f"/s/{world.unit.code}/", b"{not json", content_type="application/json",
                        REMOTE_ADDR="203.0.113.7")
    assert bad.status_code == 400
    assert send(world.unit, answer(world), ip="203.0.113.8").status_code == 201
    assert send(world.unit, answer(world), ip="203.0.113.9").status_code == 429


def test_the_rate_limit_table_cannot_be_joined_to_a_response(world):
    ids = [send(world.unit, answer(world), ip=f"203.0.113.{host}").json()["id"] for host in (7, 8, 9)]
    kept = set()
    for model in (PublicRateCount, RateSalt, FormTokenUse):
        for row in model.objects.values():
            # A count of attempts and an hour of the day are small numbers, not identifiers (3 attempts may
            # equal response id 3); they are checked for what they are below.
            kept |= {str(value) for name, value in row.items() if name not in ("attempts", "hour")}
    for response in Response.objects.filter(pk__in=ids):
        for value in (response.pk, response.key, response.answered_at, response.received_at,
                      response.answered_at.isoformat(), response.received_at.isoformat(),
                      int(response.received_at.timestamp()), int(response.answered_at.timestamp())):
            assert str(value) not in kept
    assert [(row["attempts"], 0 <= row["hour"] <= 23) for row in PublicRateCount.objects.values()] == [(3, True)]
    assert not any("203.0.113" in value for value in kept)
    fields = {f.name for model in (PublicRateCount, FormTokenUse) for f in model._meta.fields}
    assert fields == {"bucket", "client", "day", "hour", "attempts", "digest", "expires_on"}


def test_it_keeps_no_ip_address_and_rotates_the_salt_daily(world):
    assert send(world.unit, answer(world), ip="203.0.113.7").status_code == 201
    count = PublicRateCount.objects.get()
    assert "203.0.113" not in count.client and len(count.client) == 64
    now = timezone.now()
    assert client_hash(ip="203.0.113.99", now=now) == count.client  # same /24
    assert client_hash(ip="203.0.113.7", now=now + timedelta(days=1)) != count.client
    assert client_hash(ip="198.51.100.7", now=now) != count.client


def test_it_deletes_salts_and_counts_after_two_days(world):
    now = timezone.now()
    client_hash(ip="203.0.113.7", now=now - timedelta(days=3))
    PublicRateCount.objects.create(client="x" * 64, day=timezone.localdate(now) - timedelta(days=3), hour=9,
                                   attempts=4)
    assert send(world.unit, answer(world)).status_code == 201
    assert list(RateSalt.objects.values_list("day", flat=True)) == [timezone.localdate(now)]
    assert PublicRateCount.objects.count() == 1


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
