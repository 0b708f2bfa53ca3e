"""The public QR form under hostile input: whatever a phone (or a bot) posts, the answer is never a 500,
nothing is stored half-way, and a refusal says what is wrong."""

import time
import uuid

import pytest
from django.core import signing
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st

from surveys.models import Response
from surveys.qr import FORM_SALT
from tests.hostile_helpers import (
    hostile_settings,
    JSON_VALUE,
    RAW_BODY,
    SURROGATES,
    TEXT,
    Tried,
    assert_nothing_half_written,
    json_bytes,
    stored_counts,
)

pytestmark = pytest.mark.django_db

HOSTILE = hostile_settings(80)
CODES = [f"U{i}" for i in range(1, 10)]
FIELD_PATHS = {"key", "service", "answered_at", "profile", "profile.gender", "profile.age", "profile.education",
               "profile.occupation", "answers", "suggestion", "body", "form_token"}
TRIED = Tried("QR form")


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(TRIED.report())


@pytest.fixture(autouse=True)
def unlimited(settings):
    """Every example comes from one address; the rate limit has its own tests."""
    settings.SKM_QR_RATE_LIMIT = 10**9


def form_token(unit_code: str, age: int = 60) -> str:
    return signing.dumps({"u": unit_code, "t": int(time.time()) - age, "n": uuid.uuid4().hex}, salt=FORM_SALT,
                         compress=True)


def valid_body(world) -> dict:
    return {"key": str(uuid.uuid4()), "service": world.service.id,
            "profile": {"gender": "L", "age": 41, "education": "D4/S1", "occupation": "Wirausaha"},
            "answers": {code: 4 for code in CODES}, "suggestion": "", "form_token": form_token(world.unit.code),
            "website": ""}


def send(unit_code: str, payload: bytes, content_type="application/json"):
    return Client().generic("POST", f"/s/{unit_code}/", payload, content_type=content_type,
                            CONTENT_TYPE=content_type, REMOTE_ADDR="203.0.113.9")


def assert_clear_refusal(response, *statuses):
    assert response.status_code in statuses, response.content[:500]
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"].strip()
    if response.status_code in (400, 413, 415):
        assert body["errors"] and all(isinstance(message, str) and message.strip()
                                      for message in body["errors"].values())
        assert all(path in FIELD_PATHS or path.startswith("answers.") for path in body["errors"])
    return body


TOKENS = st.one_of(
    JSON_VALUE,
    st.text(alphabet=st.one_of(st.characters(), SURROGATES), max_size=80),
    st.sampled_from(["a:b:c", "::", "\ud800:abc:def", "x" * 10_000]),
    st.builds(lambda code, age: ("token", code, age), st.sampled_from(["loket-kecamatan", "loket-dinas", "\u0000"]),
              st.sampled_from([-10_000, 0, 3, 60, 25 * 3600])),
)
FIELDS = ["key", "service", "answered_at", "profile", "answers", "suggestion", "lang", "website", "form_token",
          "profile.gender", "profile.age", "answers.U1", "answers.U9"]


@HOSTILE
@given(changes=st.dictionaries(st.sampled_from(FIELDS), st.one_of(JSON_VALUE, TOKENS), min_size=1, max_size=4))
@example(changes={"form_token": "\ud800:abc:def"})  # gave a 500 before: the signer encodes the text first
@example(changes={"form_token": ("token", "loket-dinas", 60)})
@example(changes={"website": ["x"]})
def test_it_refuses_hostile_fields_clearly_and_stores_all_or_nothing(world, changes):
    TRIED.add("fields")
    body = valid_body(world)
    for path, value in changes.items():
        if isinstance(value, tuple):  # a real token, of some unit and age
            value = form_token(value[1], value[2])
        place, _dot, name = path.rpartition(".")
        target = body.get(place) if place else body
        if isinstance(target, dict):
            target[name] = value
    before = stored_counts()
    response = send(world.unit.code, json_bytes(body))
    assert response.status_code in (201, 202, 400, 413), response.content[:500]
    if response.status_code == 201:
        assert_nothing_half_written(before, stored=1)
        assert Response.objects.get(pk=response.json()["id"]).channel == "qr"
    else:
        assert_clear_refusal(response, 202, 400, 413)
        assert_nothing_half_written(before, stored=0)
        if response.status_code == 202:  # the honeypot: the sender is not told
            assert body["website"] and "errors" not in response.json()


@HOSTILE
@given(payload=RAW_BODY, unit_code=st.sampled_from(["loket-kecamatan", "tidak-ada", "loket-jauh"]))
def test_it_answers_malformed_bodies_clearly(world, payload, unit_code):
    TRIED.add("raw body")
    before = stored_counts()
    response = send(unit_code, payload)
    if unit_code == "tidak-ada":
        assert response.status_code == 404
    else:
        assert_clear_refusal(response, 400)
    assert_nothing_half_written(before, stored=0)


@HOSTILE
@given(suggestion=TEXT, content_type=st.sampled_from(["application/json", "text/plain", "application/xml",
                                                      "application/x-www-form-urlencoded"]))
def test_it_keeps_any_suggestion_as_text_or_refuses_it_clearly(world, suggestion, content_type):
    TRIED.add("suggestion")
    body = {**valid_body(world), "suggestion": suggestion}
    before = stored_counts()
    response = send(world.unit.code, json_bytes(body), content_type)
    if content_type != "application/json":
        assert_clear_refusal(response, 415)
        assert_nothing_half_written(before, stored=0)
    elif len(suggestion) > 2000:
        assert_clear_refusal(response, 400, 413)
        assert_nothing_half_written(before, stored=0)
    else:
        assert response.status_code == 201, response.content[:500]
        assert_nothing_half_written(before, stored=1)
        kept = Response.objects.get(pk=response.json()["id"]).suggestion
        assert "\x00" not in kept and len(kept) <= len(suggestion)


@settings(HOSTILE, max_examples=40)
@given(path=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF, exclude_characters="/?#%"),
                    min_size=1, max_size=40))
def test_an_odd_unit_code_in_the_link_is_not_found(world, path):
    TRIED.add("link")
    response = Client().get(f"/s/{path}/")
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert path == world.unit.code or path in {"loket-kelurahan", "loket-dinas", "loket-jauh"}
    assert Client().post(f"/s/{path}/", b"{}", content_type="application/json").status_code in (400, 404)
