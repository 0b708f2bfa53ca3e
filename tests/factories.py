"""Small builders for test data; every test makes what it needs and nothing more."""

import uuid
from datetime import datetime
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, Region, Service, ServiceUnit, StaffRole
from surveys.models import Questionnaire
from surveys.services import NewResponse, response_submit

_serial = count(1)


def make_region(code=None, **fields) -> Region:
    n = next(_serial)
    return Region.objects.create(
        code=code or f"region-{n}", name=fields.pop("name", f"Kota Uji {n}"), kind=fields.pop("kind", "kota"),
        kemendagri_code=fields.pop("kemendagri_code", f"99.{n:02d}"), **fields,
    )


def make_agency(region, code=None, **fields) -> Agency:
    n = next(_serial)
    return Agency.objects.create(region=region, code=code or f"agency-{n}", name=fields.pop("name", f"Dinas Uji {n}"),
                                 kind=fields.pop("kind", "dinas"), **fields)


def make_unit(agency, code=None, questionnaire=None, **fields) -> ServiceUnit:
    n = next(_serial)
    questionnaire = questionnaire or Questionnaire.objects.get(is_default=True)
    return ServiceUnit.objects.create(agency=agency, code=code or f"unit-{n}", questionnaire=questionnaire,
                                      name=fields.pop("name", f"Unit Uji {n}"), **fields)


def make_service(unit, name=None) -> Service:
    return Service.objects.create(unit=unit, name=name or f"Layanan {next(_serial)}")


PASSWORD = "rahasia-uji-123"


def sign_in(client, username: str, password: str = PASSWORD):
    """Log in through the real login form (login throttling needs the request), return the client."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not sign in ({response.status_code})"
    return client


def make_user(username, *roles, password=PASSWORD) -> "get_user_model()":
    """roles: Region, Agency or ServiceUnit objects; each gives the matching role."""
    user = get_user_model().objects.create_user(username=username, password=password)
    for scope in roles:
        if isinstance(scope, Region):
            StaffRole.objects.create(user=user, role=StaffRole.Role.REGION_ADMIN, region=scope)
        elif isinstance(scope, Agency):
            StaffRole.objects.create(user=user, role=StaffRole.Role.AGENCY_ADMIN, agency=scope)
        else:
            StaffRole.objects.create(user=user, role=StaffRole.Role.UNIT_OPERATOR, unit=scope)
    return user


def submit(unit, service, values, *, answered_at=None, channel="kiosk", **profile) -> int:
    """Store one response; values is a list of scores in element order, None for a blank."""
    elements = list(unit.questionnaire.elements.order_by("position"))
    answers = {element.id: value for element, value in zip(elements, values, strict=True) if value is not None}
    response_id, _ = response_submit(NewResponse(
        key=profile.pop("key", uuid.uuid4()), unit_id=unit.id, service_id=service.id,
        questionnaire_id=unit.questionnaire_id, channel=channel,
        answered_at=answered_at or timezone.now(), answers=answers, **profile,
    ))
    return response_id


def local(year, month, day, hour=10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))
