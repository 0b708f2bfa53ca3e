import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_carry_a_policy_without_inline_scripts(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_page_template_carries_an_inline_script():
    """Scripts are static files, so the policy above never needs 'unsafe-inline'."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    offenders = []
    for template in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]:
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.relative_to(root)}: {tag}")
        if re.search(r"\son(click|load|change|submit|input|keydown|keyup)=", text, flags=re.I):
            offenders.append(f"{template.relative_to(root)}: inline event handler")
    assert offenders == []


def test_staff_pages_with_suggestions_exports_and_documents_are_private_and_not_stored(world):
    from django.urls import reverse
    from django.utils import timezone

    from reports.models import GeneratedDocument
    from reports.periods import Period
    from tests.dashboard_helpers import client_for
    from tests.factories import submit

    submit(world.unit, world.service, [3] * 9, suggestion="Antrean terlalu panjang")
    quarter = Period.containing(timezone.localdate()).slug
    region_admin, operator = client_for(world.region_admin), client_for(world.operator)
    unit = [world.unit.code]
    made = region_admin.post(reverse("documents:region-recap", args=[world.region.code]),
                             {"format": "xlsx", "period": quarter})
    assert made.status_code == 302
    document = GeneratedDocument.objects.get()
    pages = {
        "unit dashboard": (operator, reverse("reports:unit_dashboard", args=unit), {}),
        "suggestions": (operator, reverse("reports:unit_suggestions", args=unit), {}),
        "region suggestions": (region_admin, reverse("reports:region_suggestions", args=[world.region.code]), {}),
        "repeats": (region_admin, reverse("agencies:region_repeats", args=[world.region.code]), {}),
        "paper entry": (operator, reverse("surveys_staff:paper_entry", args=unit), {}),
        "raw export": (operator, reverse("documents:unit-responses-export", args=unit), {"period": quarter}),
        "processing table": (operator, reverse("documents:unit-processing-table", args=unit), {"period": quarter}),
        "laporan": (operator, reverse("documents:unit-laporan", args=unit), {"period": quarter}),
        "generated document": (region_admin, reverse("documents:document-download", args=[document.id]), {}),
        "import template": (operator, reverse("surveys_staff:import_template", args=unit), {}),
    }
    for name, (client, url, query) in pages.items():
        response = client.get(url, query)
        assert response.status_code == 200, (name, response.status_code)
        directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, (name, response.get("Cache-Control"))
    public = Client().get(reverse("public:index"))
    assert "no-store" not in public.get("Cache-Control", "")  # the public results stay cacheable
