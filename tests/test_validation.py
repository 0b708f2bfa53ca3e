"""The shared rules every channel applies before a response is stored."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.validation import ResponseInvalid, UnitForm, response_validate

pytestmark = pytest.mark.django_db


def good(world, **changes):
    data = {
        "key": str(uuid.uuid4()), "service": world.service.id,
        "answered_at": timezone.now().isoformat(),
        "profile": {"gender": "P", "age": 34, "education": "SMA", "occupation": "Swasta"},
        "answers": {f"U{i}": 3 for i in range(1, 10)}, "suggestion": "Antrean lebih tertib.",
    }
    data.update(changes)
    return data


def errors_of(data, world, **options):
    with pytest.raises(ResponseInvalid) as problem:
        response_validate(data, form=UnitForm.load(world.unit), channel="kiosk", **options)
    return problem.value.errors


def test_it_accepts_a_complete_response(world):
    new = response_validate(good(world), form=UnitForm.load(world.unit), channel="kiosk")
    assert new.unit_id == world.unit.id and len(new.answers) == 9 and new.gender == "P" and new.age == 34
    assert set(new.answers.values()) == {3}


@pytest.mark.parametrize("field, value, path", [
    ("answers", {**{f"U{i}": 3 for i in range(1, 9)}, "U9": 5}, "answers.U9"),
    ("answers", {**{f"U{i}": 3 for i in range(1, 9)}, "U9": "tiga"}, "answers.U9"),
    ("answers", {**{f"U{i}": 3 for i in range(1, 9)}, "U9": True}, "answers.U9"),
    ("answers", {f"U{i}": 3 for i in range(1, 9)}, "answers.U9"),
    ("answers", {**{f"U{i}": 3 for i in range(1, 10)}, "U10": 3}, "answers.U10"),
    ("answers", [3] * 9, "answers"),
    ("key", "not-a-uuid", "key"),
    ("service", 999999, "service"),
    ("service", "1 OR 1=1", "service"),
    ("answered_at", "kemarin", "answered_at"),
    ("suggestion", "x" * 2001, "suggestion"),
    ("suggestion", {"a": 1}, "suggestion"),
    ("profile", {"gender": "X"}, "profile.gender"),
    ("profile", {"age": 7}, "profile.age"),
    ("profile", {"age": "tiga puluh"}, "profile.age"),
    ("profile", {"education": "PhD"}, "profile.education"),
    ("profile", {"occupation": "Astronot"}, "profile.occupation"),
    ("profile", "P", "profile"),
])
def test_it_names_the_field_that_is_wrong(world, field, value, path):
    assert path in errors_of(good(world, **{field: value}), world)


def test_it_refuses_a_service_of_another_unit(world):
    other_service = world.other_unit.services.first()
    assert "service" in errors_of(good(world, service=other_service.id), world)


def test_it_refuses_an_answer_time_in_the_future(world):
    later = (timezone.now() + timedelta(hours=2)).isoformat()
    assert "answered_at" in errors_of(good(world, answered_at=later), world)


def test_paper_sheets_may_leave_an_element_blank_but_not_all(world):
    some = {f"U{i}": 3 for i in range(2, 10)}
    new = response_validate(good(world, answers=some), form=UnitForm.load(world.unit), channel="paper",
                            require_all=False)
    assert len(new.answers) == 8
    assert "answers" in errors_of(good(world, answers={}), world, require_all=False)


def test_it_reports_every_problem_at_once(world):
    errors = errors_of(good(world, key="x", service=None, answers={"U1": 9}), world)
    assert {"key", "service", "answers.U1", "answers.U2"} <= set(errors)


def test_it_refuses_a_body_that_is_not_an_object(world):
    assert "body" in errors_of(["not", "an", "object"], world)


def test_paper_sheets_from_earlier_years_are_accepted_but_a_kiosk_answer_that_old_is_not(world):
    three_years_ago = (timezone.now() - timedelta(days=3 * 365)).isoformat()
    data = good(world, answered_at=three_years_ago)
    assert response_validate(data, form=UnitForm.load(world.unit), channel="paper").answered_at
    assert "answered_at" in errors_of(data, world)
