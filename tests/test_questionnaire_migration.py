import pytest
from django.core.management import call_command

from surveys.models import Questionnaire

pytestmark = pytest.mark.django_db

OFFICIAL_14_2017 = [
    ("U1", "persyaratan", "Persyaratan", ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]),
    ("U2", "prosedur", "Sistem, Mekanisme, dan Prosedur", ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"]),
    ("U3", "waktu", "Waktu Penyelesaian", ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"]),
    ("U4", "biaya", "Biaya/Tarif", ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]),
    ("U5", "produk", "Produk Spesifikasi Jenis Pelayanan", ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]),
    ("U6", "kompetensi", "Kompetensi Pelaksana", ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"]),
    ("U7", "perilaku", "Perilaku Pelaksana",
     ["Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"]),
    ("U8", "sarana", "Sarana dan Prasarana", ["Buruk", "Cukup", "Baik", "Sangat Baik"]),
    ("U9", "pengaduan", "Penanganan Pengaduan, Saran dan Masukan",
     ["Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"]),
]


def test_the_default_questionnaire_is_permenpan_14_2017_with_its_nine_official_elements():
    questionnaire = Questionnaire.objects.get(is_default=True)
    assert questionnaire.code == "permenpan-14-2017" and questionnaire.rules.element_count == 9
    assert "Nomor 14 Tahun 2017" in questionnaire.legal_basis
    elements = [(e.code, e.slug, e.name, e.labels) for e in questionnaire.elements.order_by("position")]
    assert elements == OFFICIAL_14_2017
    assert all(len(set(e.labels_en)) == 4 for e in questionnaire.elements.all())


def test_the_2004_questionnaire_has_fourteen_elements():
    questionnaire = Questionnaire.objects.get(code="kepmenpan-25-2004")
    names = list(questionnaire.elements.order_by("position").values_list("name", flat=True))
    assert len(names) == 14 and names[0] == "Prosedur pelayanan" and names[-1] == "Keamanan pelayanan"
    assert questionnaire.elements.get(code="U13").labels == ["Tidak nyaman", "Kurang nyaman", "Nyaman", "Sangat nyaman"]


def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
