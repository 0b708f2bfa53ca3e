"""Bar labels stay readable: "unit · service" labels show the service, long labels wrap or shorten in the
middle, never cut off so that every bar reads the same."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from reports import charts
from tests.factories import make_service, make_unit, submit

SVG = "{http://www.w3.org/2000/svg}"
UNIT = "Loket Pelayanan Administrasi Kependudukan"


def visible_texts(svg: str) -> list[str]:
    return ["".join(node.itertext()) for node in ET.fromstring(svg).iter(f"{SVG}text")]


def test_unit_and_service_labels_show_the_service_on_a_line_of_its_own():
    items = [(f"{UNIT} · Akta Kelahiran", 12), (f"{UNIT} · Kartu Keluarga", 7),
             (f"{UNIT} · Surat Pindah Datang Antar Kabupaten dan Kota", 3)]
    texts = visible_texts(charts.bar_chart(items=items, title="Jenis layanan"))
    assert "Akta Kelahiran" in texts and "Kartu Keluarga" in texts
    long_service = next(text for text in texts if text.startswith("Surat"))
    assert "…" in long_service and long_service.endswith("dan Kota") and len(long_service) <= 28
    unit_lines = [text for text in texts if text.startswith("Loket")]
    assert len(unit_lines) == 3 and all(line.endswith("Kependudukan ·") or "…" in line for line in unit_lines)
    assert all(len(text) <= 28 for text in texts if "(" not in text)


def test_a_long_plain_label_wraps_and_keeps_its_end():
    label = "Pengesahan dokumen perjanjian kerja sama antar daerah tingkat provinsi nomor 17"
    texts = visible_texts(charts.bar_chart(items=[(label, 4), ("SMA", 2)], title="Uji"))
    assert texts[0].startswith("Pengesahan dokumen") and texts[1].endswith("nomor 17")
    assert "…" in texts[1] and all(len(text) <= 28 for text in texts[:2])
    assert "SMA" in texts


@pytest.mark.django_db
def test_the_agency_dashboard_names_each_service_in_its_chart(world):
    unit = make_unit(world.agency, "loket-adminduk", name=UNIT)
    for name, n in (("Akta Kelahiran", 3), ("Kartu Keluarga", 2)):
        service = make_service(unit, name)
        for _ in range(n):
            submit(unit, service, [3] * 9)
    client = Client()
    client.force_login(world.agency_admin)
    page = client.get(f"/dasbor/opd/{world.agency.code}/").content.decode()
    assert ">Akta Kelahiran</text>" in page and ">Kartu Keluarga</text>" in page
    assert "Administras…" not in page
