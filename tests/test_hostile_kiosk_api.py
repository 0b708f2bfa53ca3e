"""The kiosk API under hostile input: malformed, oversized, wrong-typed, unicode-heavy and injection-laden
bodies and headers never give a 500, never store anything half-way, and always say what is wrong."""

import json
import uuid

import pytest
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from surveys.api import BODY_LIMIT
from surveys.kiosk import kiosk_create
from surveys.models import Response
from tests.hostile_helpers import (
    hostile_settings,
    JSON_VALUE,
    NASTY,
    RAW_BODY,
    SURROGATES,
    TEXT,
    Tried,
    assert_nothing_half_written,
    json_bytes,
    stored_counts,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/responses"
HOSTILE = hostile_settings(80)
FIELD_PATHS = {"key", "service", "answered_at", "profile", "profile.gender", "profile.age", "profile.education",
               "profile.occupation", "answers", "suggestion", "body"}
CODES = [f"U{i}" for i in range(1, 10)]
TRIED = Tried("kiosk API")


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(TRIED.report())


@pytest.fixture
def token(world):
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet uji", by=world.operator)
    return token


def valid_body(world) -> dict:
    return {"key": str(uuid.uuid4()), "service": world.service.id,
            "profile": {"gender": "P", "age": 34, "education": "SMA", "occupation": "Swasta"},
            "answers": {code: 3 for code in CODES}, "suggestion": "Antrean lebih tertib."}


def post(token, payload: bytes, content_type="application/json", **extra):
    # generic(), not post(): post() would re-encode the body after a charset it reads from the content type.
    # CONTENT_TYPE repeated: the test client leaves it out for an empty body.
    return Client().generic("POST", URL, payload, content_type=content_type, CONTENT_TYPE=content_type,
                            HTTP_AUTHORIZATION=f"Kiosk {token}", **extra)


def assert_clear_refusal(response, *statuses):
    assert response.status_code in statuses, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"].strip()
    if response.status_code in (400, 409, 413, 415):
        assert body["errors"] and all(isinstance(message, str) and message.strip()
                                      for message in body["errors"].values())
        assert all(path in FIELD_PATHS or path.startswith("answers.") for path in body["errors"])
    return body


# A change to one place of an otherwise valid body: a field (or a profile field, or an answer) replaced by a
# hostile value or removed, or an extra field added.
MISSING = object()
CHANGE = st.tuples(
    st.sampled_from(["key", "service", "answered_at", "profile", "answers", "suggestion", "lang",
                     "profile.gender", "profile.age", "profile.education", "profile.occupation",
                     *[f"answers.{code}" for code in CODES], "answers.extra", "extra"]),
    st.one_of(JSON_VALUE, st.just(MISSING)),
)


def changed(body: dict, changes) -> dict:
    body = json.loads(json.dumps(body))
    for path, value in changes:
        place, _dot, name = path.rpartition(".")
        target = body if not place else body.get(place)
        if not isinstance(target, dict):
            continue
        name = {"extra": "U\u202e99'; --"}.get(name, name)
        if value is MISSING:
            target.pop(name, None)
        else:
            target[name] = value
    return body


@HOSTILE
@given(changes=st.lists(CHANGE, min_size=1, max_size=4))
# Inputs that gave a 500 before: a non-text profile choice, digits int() refuses, half an emoji.
@example(changes=[("profile.gender", [1])])
@example(changes=[("profile.occupation", {"a": 1})])
@example(changes=[("service", "²")])
@example(changes=[("service", "9" * 5000)])
@example(changes=[("profile.age", "²")])
@example(changes=[("suggestion", "\ud83d saran")])
def test_it_refuses_hostile_fields_clearly_and_stores_all_or_nothing(world, token, changes):
    TRIED.add("fields")
    body = changed(valid_body(world), changes)
    before = stored_counts()
    response = post(token, json_bytes(body))
    assert response.status_code in (201, 400, 413), response.content[:500]
    if response.status_code == 413:  # several 10,000-character values
        assert len(json_bytes(body)) > BODY_LIMIT
        assert_clear_refusal(response, 413)
        assert_nothing_half_written(before, stored=0)
    elif response.status_code == 400:
        errors = assert_clear_refusal(response, 400)["errors"]
        assert_nothing_half_written(before, stored=0)
        assert {path.partition(".")[0] for path in errors} <= {path.partition(".")[0] for path, _v in changes} | {
            "answers"}
    else:
        assert_nothing_half_written(before, stored=1)
        stored = Response.objects.get(pk=response.json()["id"])
        assert "\x00" not in stored.suggestion
        assert response.json() == {"id": stored.id, "key": str(stored.key), "created": True}


@HOSTILE
@given(suggestion=st.one_of(st.sampled_from(NASTY), st.text(alphabet=st.one_of(st.characters(), SURROGATES),
                                                            max_size=2000)))
def test_any_suggestion_up_to_the_limit_is_kept_as_text(world, token, suggestion):
    TRIED.add("suggestion")
    body = {**valid_body(world), "suggestion": suggestion}
    before = stored_counts()
    response = post(token, json_bytes(body))
    if len(suggestion) > 2000:
        assert_clear_refusal(response, 400, 413)
        assert_nothing_half_written(before, stored=0)
        return
    assert response.status_code == 201, response.content[:500]
    assert_nothing_half_written(before, stored=1)
    kept = Response.objects.get(pk=response.json()["id"]).suggestion
    # Stored as given, less NUL bytes and surrounding spaces; a lone surrogate (half an emoji) becomes U+FFFD.
    expected = "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char
                       for char in suggestion.replace("\x00", "")).strip()
    assert kept == expected


@HOSTILE
@given(payload=RAW_BODY)
def test_it_answers_malformed_bodies_with_400(world, token, payload):
    TRIED.add("raw body")
    before = stored_counts()
    response = post(token, payload)
    body = assert_clear_refusal(response, 400, 413)
    assert set(body["errors"]) <= FIELD_PATHS
    assert_nothing_half_written(before, stored=0)


@HOSTILE
@given(size=st.integers(min_value=BODY_LIMIT + 1, max_value=40 * BODY_LIMIT), declared=st.sampled_from(
    [None, "0", "1", "-1", "abc", "99999999999999999999"]))
def test_it_refuses_oversized_bodies_whatever_length_they_declare(world, token, size, declared):
    TRIED.add("oversized")
    body = valid_body(world)
    body["suggestion"] = "x" * size  # well-formed JSON that would be stored if it were read whole
    extra = {} if declared is None else {"CONTENT_LENGTH": declared}
    before = stored_counts()
    response = post(token, json_bytes(body), **extra)
    assert_clear_refusal(response, 400, 413)
    assert_nothing_half_written(before, stored=0)


@HOSTILE
@given(content_type=st.one_of(
    st.sampled_from(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                     "application/json-patch+json", "APPLICATION/JSON; charset=latin-1", "", "application/jsonx"]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=60)))
def test_it_answers_other_content_types_with_415_or_reads_json(world, token, content_type):
    TRIED.add("content type")
    before = stored_counts()
    response = post(token, json_bytes(valid_body(world)), content_type=content_type)
    if content_type.split(";")[0].strip().lower() == "application/json":
        assert response.status_code == 201
        assert_nothing_half_written(before, stored=1)
    else:
        assert_clear_refusal(response, 415)
        assert_nothing_half_written(before, stored=0)


# WSGI servers hand headers over as latin-1 text, so that is what a hostile header can hold.
HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=255), max_size=300)


@HOSTILE
@given(authorization=st.one_of(HEADER_TEXT, HEADER_TEXT.map("Kiosk {}".format),
                               st.sampled_from(["Kiosk", "Kiosk ", "kiosk  x", "Bearer x", "Kiosk " + "a" * 5000,
                                                "Kiosk ' OR 1=1 --", "Kiosk \x00"])))
def test_an_unknown_or_mangled_token_gets_401(world, token, authorization):
    TRIED.add("authorization")
    before = stored_counts()
    for response in (
        Client().post(URL, json_bytes(valid_body(world)), content_type="application/json",
                      HTTP_AUTHORIZATION=authorization),
        Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION=authorization),
    ):
        assert_clear_refusal(response, 401)
        assert response["WWW-Authenticate"] == "Kiosk"
    assert_nothing_half_written(before, stored=0)


@HOSTILE
@given(text=TEXT)
def test_a_replayed_key_with_a_hostile_body_stores_nothing_new(world, token, text):
    TRIED.add("replay")
    body = valid_body(world)
    first = post(token, json_bytes(body))
    assert first.status_code == 201
    before = stored_counts()
    again = post(token, json_bytes({**body, "suggestion": text[:2000], "answers": {code: 1 for code in CODES}}))
    assert again.status_code == 200 and again.json() == {**first.json(), "created": False}
    assert_nothing_half_written(before, stored=0)
