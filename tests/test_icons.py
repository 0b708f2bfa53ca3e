"""The app's icon: /favicon.ico on every page, and the kiosk's home-screen icon and web manifest."""

import json
import re
from io import BytesIO

import pytest
from django.test import Client
from PIL import Image

pytestmark = pytest.mark.django_db


def test_favicon_ico_answers_with_an_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = Image.open(BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


def test_pages_link_the_icon_and_the_kiosk_links_its_manifest():
    client = Client()
    login = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/icons/favicon.ico"' in login
    kiosk = client.get("/kiosk/").content.decode()
    manifest_url = re.search(r'<link rel="manifest" href="([^"]+)"', kiosk).group(1)
    manifest = client.get(manifest_url)
    assert manifest.status_code == 200
    data = json.loads(b"".join(manifest.streaming_content))
    assert data["start_url"] == "/kiosk/" and data["display"] == "fullscreen"
    for icon in data["icons"]:
        fetched = client.get(icon["src"])
        assert fetched.status_code == 200 and fetched["Content-Type"] == icon["type"]
        if icon["type"] == "image/png":
            image = Image.open(BytesIO(b"".join(fetched.streaming_content)))
            assert f"{image.width}x{image.height}" == icon["sizes"]
    assert client.get(re.search(r'<link rel="apple-touch-icon" href="([^"]+)"', kiosk).group(1)).status_code == 200


def test_the_public_qr_survey_offers_no_kiosk_manifest(world):
    page = Client().get(f"/s/{world.unit.code}/").content.decode()
    assert 'rel="icon"' in page and 'rel="manifest"' not in page
