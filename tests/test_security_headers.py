import pytest

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
