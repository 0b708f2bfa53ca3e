"""Every staff page of the project, collected from the URL configuration, answers each role as the scoping
rules say: a login redirect for anonymous visitors, the page inside one's scope, 404 outside it.

A new staff URL is picked up automatically. Its keyword arguments are filled by name (FILLERS); a name that
is not known makes the test fail and list the pattern, so that nobody forgets to decide who may see it.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from agencies.models import Agency, Region, ServiceUnit, StaffRole
from campaigns.models import Campaign
from campaigns.services import campaign_save
from monev.models import Evidence, PublicationMedium
from monev.services import checklist_ensure
from reports.models import FollowUpPlan, GeneratedDocument, ThirdPartyElement, ThirdPartyResult
from surveys.models import Flag, FlagGroup, Kiosk, Response
from tests.factories import local, make_user, submit

pytestmark = pytest.mark.django_db

# Pages anybody may open: the admin (superusers only, tested by Django), the citizens' kiosk and QR survey,
# the kiosk API, the public results, language switch, sign-in/out, the health check and static files; and the
# pulse wall display, which a kiosk token in its link's fragment authenticates like the kiosk; the site's icon.
PUBLIC_PREFIXES = ("admin/", "i18n/", "accounts/", "kiosk/", "s/", "api/", "hasil/", "health", "static/", "media/",
                   "denyut/layar/", "favicon.ico")
# Namespaces whose pages change a unit's or agency's set-up: only agency and region admins manage.
MANAGEMENT_NAMESPACES = {"agencies"}
# Pages elsewhere that only those who manage a unit may open: entering its third-party survey results.
MANAGEMENT_NAMES = {"reports:third_party_list", "reports:third_party_detail", "reports:third_party_decide",
                    "reports:third_party_withdraw", "reports:third_party_report"}
SCOPE_KWARGS = ("unit_code", "agency_code", "region_code")
USERS = ("operator", "agency_admin", "other_agency_admin", "region_admin", "stranger")

# Who sees what in the `world` fixture: the rules of the issue, written out rather than asked of the code.
VISIBLE = {
    ("view", "unit"): {"operator": {"unit"}, "agency_admin": {"unit", "sub_unit"},
                       "other_agency_admin": {"other_unit"}, "region_admin": {"unit", "sub_unit", "other_unit"},
                       "stranger": {"far_unit"}},
    ("view", "agency"): {"operator": set(), "agency_admin": {"agency", "sub_agency"},
                         "other_agency_admin": {"other_agency"},
                         "region_admin": {"agency", "sub_agency", "other_agency"}, "stranger": {"far_agency"}},
    ("view", "region"): {"operator": set(), "agency_admin": set(), "other_agency_admin": set(),
                         "region_admin": {"region"}, "stranger": {"other_region"}},
}
VISIBLE[("manage", "unit")] = {**VISIBLE[("view", "unit")], "operator": set()}
VISIBLE[("manage", "agency")] = VISIBLE[("view", "agency")]
VISIBLE[("manage", "region")] = VISIBLE[("view", "region")]
# The objects each page is opened for: the world's own ones, and the sub-agency's.
TARGETS = {"unit": ("unit", "sub_unit"), "agency": ("agency", "sub_agency"), "region": ("region",)}


@dataclass
class StaffUrl:
    route: str
    namespace: str | None
    name: str | None

    @property
    def label(self) -> str:
        return f"{self.namespace + ':' if self.namespace else ''}{self.name} ({self.route})"

    @property
    def kwargs(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)

    @property
    def level(self) -> str:
        managed = self.namespace in MANAGEMENT_NAMESPACES or f"{self.namespace}:{self.name}" in MANAGEMENT_NAMES
        return "manage" if managed else "view"


def staff_urls() -> list[StaffUrl]:
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(PUBLIC_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, pattern.namespace or namespace)
                continue
            assert isinstance(pattern.pattern, RoutePattern), f"{route}: a regex route; give it a path() route"
            found.append(StaffUrl(route, namespace, pattern.name))

    walk(get_resolver().url_patterns, "", None)
    return found


# Filling keyword arguments -----------------------------------------------------------------------------------

def _unit_in(target) -> ServiceUnit:
    if isinstance(target, ServiceUnit):
        return target
    if isinstance(target, Agency):
        return target.units.first()
    return ServiceUnit.objects.filter(agency__region=target).order_by("id").first()


def _role_in(target) -> int:
    unit = _unit_in(target)
    return StaffRole.objects.create(user=make_user(f"op-{unit.code}-{StaffRole.objects.count()}"),
                                    role=StaffRole.Role.UNIT_OPERATOR, unit=unit).pk


def _response_in(target) -> int:
    unit = _unit_in(target)
    return submit(unit, unit.services.first(), [3] * 9, answered_at=local(2026, 5, 4), suspected_repeat=True)


def _flag_group_in(target) -> int:
    unit = _unit_in(target)
    group = FlagGroup.objects.create(unit=unit, reason=Flag.OUTSIDE_HOURS, pattern="Tablet · 2026-05-02")
    Response.objects.filter(pk=_response_in(target)).update(flag=Flag.OUTSIDE_HOURS, flag_group=group)
    return group.pk


def _plan_in(target) -> int:
    unit = _unit_in(target)
    plan = FollowUpPlan.objects.create(unit=unit, element=unit.questionnaire.elements.first(), year=2026,
                                       quarter=2, action="Menambah loket", responsible="Kepala unit",
                                       due_date=date(2026, 9, 30), evidence_name="bukti.pdf",
                                       evidence_type="application/pdf")
    plan.evidence_file.save("bukti.pdf", ContentFile(b"%PDF-1.4\n"), save=True)  # its evidence URL answers too
    return plan.pk


def _third_party_in(target) -> int:
    unit = _unit_in(target)
    result = ThirdPartyResult(unit=unit, period="2026-Q2", start=local(2026, 4, 1).date(),
                              end=local(2026, 6, 30).date(), questionnaire=unit.questionnaire, provider="PT Uji",
                              method="wawancara", respondents=10, report_name="laporan.pdf")
    result.report.save("laporan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    ThirdPartyElement.objects.bulk_create(ThirdPartyElement(result=result, element=element, total=30, answers=10)
                                          for element in unit.questionnaire.elements.all())
    return result.pk


def _kiosk_in(target) -> int:
    kiosk = Kiosk(unit=_unit_in(target), name="Tablet")
    kiosk.issue_token()
    kiosk.save()
    return kiosk.pk


def _campaign_in(target) -> int:
    unit = _unit_in(target)
    campaign = Campaign(region=unit.agency.region, name="Kampanye uji", start=local(2026, 5, 4).date(),
                        end=local(2026, 5, 15).date(), target_fixed=50)
    return campaign_save(campaign=campaign, units=[unit], service_names=[unit.services.first().name], by=None).pk


def _monev_item_in(target) -> int:
    region = target if isinstance(target, Region) else _unit_in(target).agency.region
    return checklist_ensure(region=region, year=timezone.localdate().year)[0].pk


def _monev_evidence_in(target) -> int:
    unit = _unit_in(target)
    evidence = Evidence(item_id=_monev_item_in(target), unit=unit, original_name="sop.pdf",
                        content_type="application/pdf", size=9)
    evidence.file.save("sop.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return evidence.pk


def _medium_in(target) -> int:
    medium = PublicationMedium(unit=_unit_in(target), year=2026, period="2026-Q2", kind="notice_board",
                               name="Papan loket", published_on=local(2026, 7, 6).date(), content_type="image/png",
                               original_name="papan.png")
    medium.file.save("papan.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return medium.pk


def _document_in(target):
    document = GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.RESPONSES_XLSX, unit=_unit_in(target), period="2026-Q2",
        status=GeneratedDocument.Status.DONE, filename="responden.xlsx", expires_at=timezone.now() + timedelta(days=1))
    document.file.save("responden.xlsx", ContentFile(b"PK"), save=True)
    return document.pk


FILLERS = {
    "unit_code": lambda target: _unit_in(target).code,
    "agency_code": lambda target: target.code,
    "region_code": lambda target: target.code,
    "service_id": lambda target: _unit_in(target).services.first().pk,
    "plan_id": _plan_in,
    "result_id": _third_party_in,
    "kiosk_id": _kiosk_in,
    "role_id": _role_in,
    "response_id": _response_in,
    "group_id": _flag_group_in,
    "document_id": _document_in,
    "item_id": _monev_item_in,
    "evidence_id": _monev_evidence_in,
    "campaign_id": _campaign_in,
    "medium_id": _medium_in,
}
# The scope an object kwarg belongs to when the URL has no scope kwarg of its own.
OWN_SCOPE = {"document_id": "unit", "campaign_id": "unit", "response_id": "unit", "medium_id": "unit"}


def _scope_kind(url: StaffUrl) -> str | None:
    for kwarg in url.kwargs:
        if kwarg in SCOPE_KWARGS:
            return kwarg.removesuffix("_code")
    return next((OWN_SCOPE[kwarg] for kwarg in url.kwargs if kwarg in OWN_SCOPE), None)


def _path(url: StaffUrl, target) -> str:
    path = url.route
    for kwarg in url.kwargs:
        path = re.sub(rf"<(?:\w+:)?{kwarg}>", str(FILLERS[kwarg](target)), path)
    return "/" + path


def test_it_can_fill_every_staff_url():
    """A staff URL with an argument nobody knows how to fill must be added to FILLERS (and its rule decided)."""
    unknown = [f"{url.label}: {kwarg}" for url in staff_urls() for kwarg in url.kwargs if kwarg not in FILLERS]
    assert not unknown, "staff URLs with arguments the access matrix cannot fill:\n" + "\n".join(unknown)
    objects = [f"{url.label}" for url in staff_urls() if url.kwargs and _scope_kind(url) is None]
    assert not objects, "staff URLs whose scope is unknown (add to OWN_SCOPE):\n" + "\n".join(objects)


def test_it_finds_the_staff_pages_of_every_part():
    names = {url.label.split(" ")[0] for url in staff_urls()}
    assert {"home", "reports:unit_dashboard", "reports:region_dashboard", "agencies:agency_staff",
            "surveys_staff:paper_entry"} <= names


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")


def test_it_answers_every_staff_url_as_the_rules_say(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clients = {"anonymous": Client()}
    for name in USERS:
        clients[name] = Client()
        clients[name].force_login(getattr(world, name))
    problems, checked = [], 0
    for url in staff_urls():
        kind = _scope_kind(url)
        targets = [(None, None)] if kind is None else [(name, getattr(world, name)) for name in TARGETS[kind]]
        for target_name, target in targets:
            path = _path(url, target)
            answers = {who: client.get(path) for who, client in clients.items()}
            checked += 1
            if not _is_login_redirect(answers["anonymous"]):
                problems.append(f"{url.label} {path}: anonymous got {answers['anonymous'].status_code}, "
                                "not the sign-in page")
            allowed = {who for who in USERS if kind is None or target_name in VISIBLE[(url.level, kind)][who]}
            post_only = all(answers[who].status_code == 405 for who in allowed)
            for who in USERS:
                status = answers[who].status_code
                if post_only:
                    ok = status == 405
                elif who in allowed:
                    ok = status == 200 or (status == 302 and not _is_login_redirect(answers[who]))
                else:
                    ok = status == 404
                if not ok:
                    expected = "405 (POST only)" if post_only else "200" if who in allowed else "404"
                    problems.append(f"{url.label} {path}: {who} got {status}, expected {expected}")
    assert checked > 40
    assert not problems, "\n".join(problems)


def test_it_keeps_a_user_without_a_role_out_of_every_scoped_page(world):
    client = Client()
    client.force_login(world.nobody)
    for url in staff_urls():
        kind = _scope_kind(url)
        if kind is None:
            continue
        target = {"unit": world.unit, "agency": world.agency, "region": world.region}[kind]
        status = client.get(_path(url, target)).status_code
        assert status in (404, 405), f"{url.label}: a user without a role got {status}"


def test_it_lands_each_role_on_its_own_page(world):
    expected = {
        "operator": f"/dasbor/unit/{world.unit.code}/",
        "agency_admin": f"/dasbor/opd/{world.agency.code}/",
        "region_admin": f"/dasbor/daerah/{world.region.code}/",
    }
    for name, location in expected.items():
        client = Client()
        client.force_login(getattr(world, name))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"] == location, name


def test_it_lists_the_scopes_of_a_user_with_several_roles(world):
    StaffRole.objects.create(user=world.operator, role=StaffRole.Role.UNIT_OPERATOR, unit=world.sub_unit)
    client = Client()
    client.force_login(world.operator)

    page = client.get("/").content.decode()

    assert "Loket Kecamatan" in page and "Loket Kelurahan" in page
    assert f'href="/dasbor/unit/{world.sub_unit.code}/"' in page


def test_it_greets_a_user_without_a_role_kindly(world):
    client = Client()
    client.force_login(world.nobody)

    response = client.get("/")

    assert response.status_code == 200
    assert "belum diberi peran" in response.content.decode()


def test_it_shows_a_superuser_every_region(world):
    admin = make_user("super")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client = Client()
    client.force_login(admin)

    page = client.get("/").content.decode()

    for region in Region.objects.all():
        assert f'href="/dasbor/daerah/{region.code}/"' in page
