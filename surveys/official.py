"""The official questionnaires as the regulations print them (SKM-SPEC.md sections 2 and 4).

Installed by a data migration; kept here so the texts are read in one place.
"""

from django.utils.translation import gettext_lazy as _

PERMENPAN_14_2017 = {
    "code": "permenpan-14-2017",
    "regulation": "permenpan-14-2017",
    "title": "Survei Kepuasan Masyarakat (Permenpan RB 14/2017)",
    "legal_basis": (
        "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 14 Tahun 2017 "
        "tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik"
    ),
    # (slug, name, name_en, question, question_en, labels 1..4, labels_en 1..4)
    "elements": [
        ("persyaratan", "Persyaratan", "Requirements",
         "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
         "How well do the service requirements fit the kind of service?",
         ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
         ("Not suitable", "Less suitable", "Suitable", "Very suitable")),
        ("prosedur", "Sistem, Mekanisme, dan Prosedur", "System, mechanism and procedure",
         "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
         "How easy is the service procedure at this unit?",
         ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
         ("Not easy", "Less easy", "Easy", "Very easy")),
        ("waktu", "Waktu Penyelesaian", "Completion time",
         "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
         "How fast was the service delivered?",
         ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
         ("Not fast", "Less fast", "Fast", "Very fast")),
        ("biaya", "Biaya/Tarif", "Cost/tariff",
         "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
         "How fair is the cost/tariff of the service?",
         ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
         ("Very expensive", "Rather expensive", "Cheap", "Free")),
        ("produk", "Produk Spesifikasi Jenis Pelayanan", "Service product specification",
         "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam "
         "standar pelayanan dengan hasil yang diberikan?",
         "How well does the service product match what the service standard promises?",
         ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
         ("Not suitable", "Less suitable", "Suitable", "Very suitable")),
        ("kompetensi", "Kompetensi Pelaksana", "Staff competence",
         "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
         "How competent were the staff who served you?",
         ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
         ("Not competent", "Less competent", "Competent", "Very competent")),
        ("perilaku", "Perilaku Pelaksana", "Staff behaviour",
         "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
         "How polite and friendly were the staff?",
         ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
         ("Not polite and friendly", "Less polite and friendly", "Polite and friendly",
          "Very polite and friendly")),
        ("sarana", "Sarana dan Prasarana", "Facilities and infrastructure",
         "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
         "How good are the facilities and infrastructure?",
         ("Buruk", "Cukup", "Baik", "Sangat Baik"),
         ("Poor", "Fair", "Good", "Very good")),
        ("pengaduan", "Penanganan Pengaduan, Saran dan Masukan",
         "Handling of complaints, suggestions and feedback",
         "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
         "How are complaints from service users handled?",
         ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
         ("None", "Exists but does not work", "Works but not fully", "Well managed")),
    ],
}


def _likert(slug, name, name_en, adjective, adjective_en):
    return (
        slug, name, name_en,
        f"Bagaimana pendapat Saudara tentang {name.lower()}?",
        f"What is your opinion of the {name_en.lower()}?",
        (f"Tidak {adjective}", f"Kurang {adjective}", adjective.capitalize(), f"Sangat {adjective}"),
        (f"Not {adjective_en}", f"Less {adjective_en}", adjective_en.capitalize(), f"Very {adjective_en}"),
    )


KEPMENPAN_25_2004 = {
    "code": "kepmenpan-25-2004",
    "regulation": "kepmenpan-25-2004",
    "title": "Indeks Kepuasan Masyarakat (Kepmenpan 25/2004)",
    "legal_basis": (
        "Keputusan Menteri Pendayagunaan Aparatur Negara Nomor KEP/25/M.PAN/2/2004 tentang Pedoman Umum "
        "Penyusunan Indeks Kepuasan Masyarakat Unit Pelayanan Instansi Pemerintah"
    ),
    "elements": [
        _likert("prosedur", "Prosedur pelayanan", "Service procedure", "mudah", "easy"),
        _likert("persyaratan", "Persyaratan pelayanan", "Service requirements", "sesuai", "suitable"),
        _likert("kejelasan-petugas", "Kejelasan petugas pelayanan", "Clarity of service staff", "jelas", "clear"),
        _likert("kedisiplinan", "Kedisiplinan petugas pelayanan", "Discipline of service staff",
                "disiplin", "disciplined"),
        _likert("tanggung-jawab", "Tanggung jawab petugas pelayanan", "Responsibility of service staff",
                "bertanggung jawab", "responsible"),
        _likert("kemampuan", "Kemampuan petugas pelayanan", "Ability of service staff", "mampu", "able"),
        _likert("kecepatan", "Kecepatan pelayanan", "Speed of service", "cepat", "fast"),
        _likert("keadilan", "Keadilan mendapatkan pelayanan", "Fairness in receiving service", "adil", "fair"),
        _likert("kesopanan", "Kesopanan dan keramahan petugas", "Courtesy and friendliness of staff",
                "sopan dan ramah", "polite and friendly"),
        _likert("kewajaran-biaya", "Kewajaran biaya pelayanan", "Fairness of service cost", "wajar", "fair"),
        _likert("kepastian-biaya", "Kepastian biaya pelayanan", "Certainty of service cost", "pasti", "certain"),
        _likert("kepastian-jadwal", "Kepastian jadwal pelayanan", "Certainty of service schedule",
                "pasti", "certain"),
        _likert("kenyamanan", "Kenyamanan lingkungan", "Comfort of the surroundings", "nyaman", "comfortable"),
        _likert("keamanan", "Keamanan pelayanan", "Safety of service", "aman", "safe"),
    ],
}

QUESTIONNAIRES = (PERMENPAN_14_2017, KEPMENPAN_25_2004)
DEFAULT_CODE = PERMENPAN_14_2017["code"]

# Respondent profile choices (SKM-SPEC.md section 2). The survey is anonymous: nothing identifying.
GENDERS = (("L", _("Laki-laki")), ("P", _("Perempuan")))
EDUCATIONS = (
    ("TS", _("Tidak sekolah")), ("SD", "SD"), ("SMP", "SMP"), ("SMA", "SMA"), ("D1-D3", "D1-D3"),
    ("D4/S1", "D4/S1"), ("S2", "S2"), ("S3", "S3"),
)
OCCUPATIONS = (
    ("PNS", "PNS"), ("TNI", "TNI"), ("POLRI", "POLRI"), ("Swasta", _("Swasta")), ("Wirausaha", _("Wirausaha")),
    ("Lainnya", _("Lainnya")),
)
AGE_MIN, AGE_MAX = 15, 100
# Bands used in documents: (lower bound inclusive, label).
AGE_BANDS = ((0, "< 20"), (20, "20-29"), (30, "30-39"), (40, "40-49"), (50, "50-59"), (60, ">= 60"))
