"""Login wording, "lupa kata sandi" by e-mail (the whole path through the mail outbox), and an admin setting a
new password for a staff member of their scope."""

import re

import pytest
from django.core import mail
from django.test import Client

from agencies.models import AuditEvent, StaffRole
from tests.factories import PASSWORD, make_user, sign_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "kopi-pagi-sukamaju-77"


def test_the_login_error_names_the_username_once_in_either_language(world):
    page = Client().post("/accounts/login/", {"username": "camat", "password": "keliru"}).content.decode()
    assert "Masukkan nama pengguna dan kata sandi yang benar." in page
    assert "nama pengguna nama pengguna" not in page.lower()
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    page = english.post("/accounts/login/", {"username": "camat", "password": "keliru"}).content.decode()
    assert "Please enter a correct username and password." in page


def test_a_forgotten_password_is_reset_through_the_link_in_the_e_mail(world):
    world.operator.email = "operator@sukamaju.go.id"
    world.operator.save()
    client = Client()
    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/lupa-sandi/"' in login_page

    sent = client.post("/accounts/lupa-sandi/", {"email": "operator@sukamaju.go.id"})
    assert sent.status_code == 302 and sent["Location"] == "/accounts/lupa-sandi/terkirim/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["operator@sukamaju.go.id"] and message.subject == "Atur ulang kata sandi SKM"
    assert "“operator”" in message.body
    link = re.search(r"http://testserver(/accounts/atur-sandi/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Simpan kata sandi baru" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/atur-sandi/selesai/"
    assert "Kata sandi tersimpan" in client.get(done["Location"]).content.decode()

    sign_in(Client(), "operator", NEW_PASSWORD)
    assert Client().post("/accounts/login/", {"username": "operator", "password": PASSWORD}).status_code == 200
    # The link works once.
    assert "tidak berlaku lagi" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(world):
    sent = Client().post("/accounts/lupa-sandi/", {"email": "siapa@contoh.id"})
    assert sent.status_code == 302 and sent["Location"] == "/accounts/lupa-sandi/terkirim/"
    assert mail.outbox == []


def test_an_agency_admin_sets_a_new_password_for_an_operator_of_the_agency(world):
    role = StaffRole.objects.get(user=world.operator)
    client = sign_in(Client(), "camat")
    url = f"/kelola/opd/{world.agency.code}/staf/{role.id}/sandi/"
    assert url in client.get(f"/kelola/opd/{world.agency.code}/staf/").content.decode()

    mismatch = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": "lain-sekali-99"})
    assert mismatch.status_code == 200 and "is-invalid" in mismatch.content.decode()
    weak = client.post(url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    sign_in(Client(), "operator")  # nothing changed yet

    saved = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved.status_code == 302
    sign_in(Client(), "operator", NEW_PASSWORD)
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_SET)
    assert event.actor == world.agency_admin and event.region == world.region and event.target == "user operator"


def test_no_admin_resets_a_password_outside_their_scope(world):
    # Someone operating a unit of the agency who is also region admin: the agency admin may not take the account.
    boss = make_user("kabag", world.region, world.unit)
    unit_role = StaffRole.objects.get(user=boss, unit=world.unit)
    camat = sign_in(Client(), "camat")
    refused = camat.post(f"/kelola/opd/{world.agency.code}/staf/{unit_role.id}/sandi/",
                         {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert refused.status_code == 200 and "di luar cakupan Anda" in refused.content.decode()
    sign_in(Client(), "kabag")

    # Another agency's operator is not on this agency's pages at all.
    other = make_user("operator-lain", world.other_unit)
    other_role = StaffRole.objects.get(user=other)
    assert camat.post(f"/kelola/opd/{world.agency.code}/staf/{other_role.id}/sandi/",
                      {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 404
    assert camat.get(f"/kelola/opd/{world.other_agency.code}/staf/{other_role.id}/sandi/").status_code == 404
    # The region admin may.
    bagor = sign_in(Client(), "bagor")
    assert bagor.post(f"/kelola/daerah/{world.region.code}/staf/{other_role.id}/sandi/",
                      {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    sign_in(Client(), "operator-lain", NEW_PASSWORD)


def test_a_superuser_resets_any_password_in_the_django_admin(world):
    admin = make_user("root")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client = sign_in(Client(), "root")
    url = f"/admin/auth/user/{world.region_admin.pk}/password/"
    assert client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                             "usable_password": "true"}).status_code == 302
    sign_in(Client(), "bagor", NEW_PASSWORD)
