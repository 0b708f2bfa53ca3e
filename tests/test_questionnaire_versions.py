"""A questionnaire in use cannot be edited in a way that changes past scores: a new version instead."""

import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import AuditEvent
from surveys.models import Element, Questionnaire
from surveys.services import questionnaire_new_version
from tests.factories import sign_in, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(django_user_model):
    django_user_model.objects.create_superuser("root", password="rahasia-uji-123")
    return sign_in(Client(), "root")


def test_the_scoring_fields_of_a_used_questionnaire_are_locked_in_the_admin(world, superuser_client):
    questionnaire = Questionnaire.objects.get(is_default=True)
    page = superuser_client.get(reverse("admin:surveys_questionnaire_change", args=[questionnaire.pk]))
    assert 'name="regulation"' in page.content.decode()  # not yet answered: editable
    submit(world.unit, world.service, [4] * 9)
    page = superuser_client.get(reverse("admin:surveys_questionnaire_change", args=[questionnaire.pk])).content.decode()
    assert 'name="regulation"' not in page and 'name="elements-0-code"' not in page
    assert 'name="elements-0-label_1"' in page  # wording can still be corrected
    element = questionnaire.elements.get(code="U1")
    page = superuser_client.get(reverse("admin:surveys_element_change", args=[element.pk])).content.decode()
    assert 'name="position"' not in page and 'name="code"' not in page
    deleted = superuser_client.post(reverse("admin:surveys_element_delete", args=[element.pk]), {"post": "yes"})
    assert deleted.status_code == 403 and Element.objects.filter(pk=element.pk).exists()


def test_a_new_version_copies_the_elements_and_is_audited(world):
    questionnaire = Questionnaire.objects.get(is_default=True)
    copy = questionnaire_new_version(questionnaire, by=world.region_admin)
    assert (copy.code, copy.version, copy.is_default, copy.is_active) == ("permenpan-14-2017-v2", 2, False, False)
    assert list(copy.elements.values_list("code", "label_4")) == list(questionnaire.elements.values_list("code", "label_4"))
    assert questionnaire_new_version(copy, by=world.region_admin).code == "permenpan-14-2017-v3"
    assert AuditEvent.objects.filter(action="questionnaire_changed").count() == 2
