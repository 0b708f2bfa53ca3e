"""Saving keyed-in paper sheets under hostile input: odd cells, odd rows, odd bodies. Never a 500, never a
batch stored in part, and every refusal names the row and the field."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hostile_helpers import (
    hostile_settings,
    JSON_VALUE,
    NASTY,
    RAW_BODY,
    Tried,
    assert_nothing_half_written,
    deeply_nested,
    json_bytes,
    stored_counts,
)

pytestmark = pytest.mark.django_db

HOSTILE = hostile_settings(60)
CODES = [f"U{i}" for i in range(1, 10)]
CELLS = ["key", "date", "service", "gender", "age", "education", "occupation", *CODES, "suggestion"]
TRIED = Tried("paper entry")


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(TRIED.report())


@pytest.fixture
def operator_client(client, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client.force_login(world.operator)
    return client


def sheet() -> dict:
    day = timezone.localdate() - timedelta(days=3)
    return {"key": str(uuid.uuid4()), "date": day.strftime("%d/%m/%Y"), "service": "1", "gender": "P", "age": "34",
            "education": "4", "occupation": "4", "suggestion": "", **{code: "3" for code in CODES}}


def save(client, unit, payload: bytes):
    return client.generic("POST", reverse("surveys_staff:paper_save", args=[unit.code]), payload,
                          content_type="application/json")


# Cell values as a spreadsheet paste or a broken script could send them: numbers that look like Excel day
# numbers (also at the very end of Excel's calendar), dates that do not exist, anything JSON can hold.
CELL = st.one_of(
    JSON_VALUE,
    st.sampled_from(NASTY),
    st.floats(min_value=-1e6, max_value=3e6),
    st.sampled_from([2958465, 2958465.999999999, 1, 0.5, 59.9999999, 60, -1, "31/02/2026", "2026-13-01",
                     "29/02/2025 25:61", "01/01/0001", "31/12/9999 23.59", "00/00/0000", "2026-11-02T09:30"]),
)
ROW = st.fixed_dictionaries({}, optional={name: CELL for name in CELLS})


@HOSTILE
@given(changes=st.lists(ROW, min_size=1, max_size=4), keep_good=st.booleans())
def test_a_batch_with_hostile_cells_is_stored_whole_or_not_at_all(operator_client, world, changes, keep_good):
    TRIED.add("cells")
    rows = [{**sheet(), **change} for change in changes]
    if keep_good:
        rows.insert(0, sheet())
    before = stored_counts()
    response = save(operator_client, world.unit, json_bytes({"rows": rows}))
    assert response.status_code in (200, 400), response.content[:500]
    body = response.json()
    if response.status_code == 200:
        assert body["stored"] + body["already"] == len(rows)
        assert_nothing_half_written(before, stored=body["stored"])
        return
    assert isinstance(body["message"], str) and body["message"].strip()
    assert body["errors"], body
    for error in body["errors"]:
        assert 1 <= error["row"] <= len(rows)
        assert error["fields"] and set(error["fields"]) <= {*CELLS, "row"}
        assert all(isinstance(message, str) and message.strip() for message in error["fields"].values())
    assert_nothing_half_written(before, stored=0)


NESTED = [deeply_nested(200_000), b'{"rows": ' + deeply_nested(5_000) + b"}",
          b'{"rows": [' + b'{"a": ' * 3000 + b"1" + b"}" * 3000 + b"]}"]


@HOSTILE
@given(payload=st.one_of(RAW_BODY, JSON_VALUE.map(json_bytes), JSON_VALUE.map(lambda rows: json_bytes({"rows": rows})),
                         st.sampled_from(NESTED),
                         # About as deep as the JSON reader goes: a cell it can read but not print.
                         st.integers(min_value=700, max_value=1100).map(
                             lambda depth: b'{"rows": [{"key": ' + deeply_nested(depth) + b"}]}")))
def test_a_malformed_body_gets_a_clear_400(operator_client, world, payload):
    TRIED.add("body")
    before = stored_counts()
    response = save(operator_client, world.unit, payload)
    assert response.status_code == 400, response.content[:500]
    assert response.json()["message"].strip()
    assert_nothing_half_written(before, stored=0)


@settings(HOSTILE, max_examples=20)
@given(rows=st.integers(min_value=501, max_value=3000))
def test_too_many_rows_are_refused_before_any_is_checked(operator_client, world, rows):
    TRIED.add("rows")
    before = stored_counts()
    response = save(operator_client, world.unit, json.dumps({"rows": [sheet()] * rows}).encode())
    assert response.status_code == 400
    assert response.json() == {"message": "Paling banyak 500 baris sekali simpan.", "errors": []}
    assert_nothing_half_written(before, stored=0)
