"""The demo Pemda "Kota Sukamaju": its agencies, units, staff, kiosk and four quarters of responses.

`manage.py seed_demo` builds it with `demo_seed`; `manage.py demo_welcome` prints the logins. The demo users
are listed once, in DEMO_USERS. Everything drawn at random comes from `random.Random` seeded per unit, so a
seed gives the same responses on the same day.
"""

import hashlib
import random
import time
import uuid
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Population, Region, RespondentType, Service, ServiceUnit, StaffRole
from agencies.services import staff_role_grant
from reports.models import FollowUpPlan
from reports.periods import Period
from reports.services import follow_up_plan_create, follow_up_plan_update
from surveys.kiosk import kiosk_create
from surveys.models import Channel, Element, ImportBatch, Kiosk, Questionnaire, Response
from surveys.services import NewResponse, response_exclude, responses_submit_many
from surveys.themes import suggestion_tags

REGION_CODE = "sukamaju"
REGION_NAME = "Kota Sukamaju"
REGION_KEMENDAGRI_CODE = "32.99"  # made up: no Kota in Jawa Barat has this code
PASSWORD = "skm-demo-2026"
KIOSK_TOKEN = "demo-kiosk-sukamaju"
KIOSK_UNIT = "disdukcapil-loket"
KIOSK_NAME = "Tablet loket 1"
EMAIL_DOMAIN = "sukamaju.example"  # a reserved name: demo mail can never reach a real Pemda
TZ = ZoneInfo("Asia/Jakarta")  # Sukamaju lies in WIB, whatever the server's setting
SUPERUSER = "superuser"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str  # SUPERUSER or a StaffRole.Role value
    scope: str = ""  # code of the region, agency or unit the role covers


DEMO_USERS = (
    DemoUser("admin", "Agus", "Setiawan", SUPERUSER),
    DemoUser("bagor", "Rina", "Marlina", StaffRole.Role.REGION_ADMIN, REGION_CODE),
    DemoUser("disdukcapil", "Dedi", "Kurniawan", StaffRole.Role.AGENCY_ADMIN, "disdukcapil"),
    DemoUser("dinkes", "Ratna Sari", "Dewi", StaffRole.Role.AGENCY_ADMIN, "dinkes"),
    DemoUser("camat-utara", "Asep", "Saepudin", StaffRole.Role.AGENCY_ADMIN, "kec-sukamaju-utara"),
    DemoUser("operator-ktp", "Yuni", "Lestari", StaffRole.Role.UNIT_OPERATOR, KIOSK_UNIT),
)


SCOPE_MODELS = {StaffRole.Role.REGION_ADMIN: Region, StaffRole.Role.AGENCY_ADMIN: Agency,
                StaffRole.Role.UNIT_OPERATOR: ServiceUnit}


def demo_scope_name(user: DemoUser) -> str:
    """The name of what the demo user's role covers, read from the database (the code if it is missing)."""
    model = SCOPE_MODELS.get(user.role)
    if model is None:
        return ""
    return model.objects.filter(code=user.scope).values_list("name", flat=True).first() or user.scope


# Channel mixes, (channel, weight): counters have a tablet; Kelurahan offices collect on paper and by QR.
COUNTER = ((Channel.KIOSK, 62), (Channel.QR, 22), (Channel.PAPER, 11), (Channel.IMPORT, 5))
OFFICE = ((Channel.QR, 45), (Channel.PAPER, 40), (Channel.IMPORT, 15))
INTERNAL = ((Channel.QR, 75), (Channel.PAPER, 15), (Channel.IMPORT, 10))


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    services: tuple[str, ...]  # most requested first
    users_per_quarter: int  # Population: service users in a quarter
    weight: float  # share of the demo responses
    quality: float  # mean latent answer: about 3.85 gives an A, 3.45 a B, 3.0 a C
    weak: str  # slug of the unit's clearly weakest element
    channels: tuple = COUNTER
    profile: str = "general"  # general, health, business, transport or internal respondents
    paid: bool = False  # a tariff or retribusi is charged (most Pemda services are free)
    respondent_type: str = RespondentType.PUBLIC
    head_name: str = ""
    head_title: str = ""


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    kind: str
    address: str
    head_name: str
    head_title: str
    head_nip: str
    units: tuple[DemoUnit, ...]
    children: tuple["DemoAgency", ...] = ()


KECAMATAN_SERVICES = (
    "Surat Keterangan Domisili", "Surat Keterangan Ahli Waris", "Rekomendasi Izin Keramaian",
    "Legalisasi Dokumen Kependudukan", "Surat Keterangan Tidak Mampu", "Dispensasi Nikah",
)
KELURAHAN_SERVICES = (
    "Surat Keterangan Domisili", "Surat Pengantar SKCK", "Surat Keterangan Tidak Mampu",
    "Surat Pengantar Nikah (N1-N4)", "Surat Keterangan Usaha", "Surat Keterangan Kematian",
)
PUSKESMAS_SERVICES = (
    "Pemeriksaan Umum", "Kesehatan Ibu dan Anak", "Imunisasi", "Pelayanan Gigi dan Mulut", "Laboratorium",
    "Surat Keterangan Sehat",
)


def _kelurahan(code, name, head_name, head_nip, street, *, users, weight, quality, weak) -> DemoAgency:
    return DemoAgency(
        code=code, name=f"Kelurahan {name}", kind=Agency.Kind.KELURAHAN, address=f"{street}, Kota Sukamaju",
        head_name=head_name, head_title=f"Lurah {name}", head_nip=head_nip,
        units=(DemoUnit(f"{code}-pelayanan", f"Pelayanan Kelurahan {name}", KELURAHAN_SERVICES, users, weight,
                        quality, weak, channels=OFFICE),),
    )


def _puskesmas(code, name, head_name, head_nip, street, *, users, weight, quality, weak) -> DemoAgency:
    return DemoAgency(
        code=code, name=f"UPTD Puskesmas {name}", kind=Agency.Kind.PUSKESMAS, address=f"{street}, Kota Sukamaju",
        head_name=head_name, head_title=f"Kepala UPTD Puskesmas {name}", head_nip=head_nip,
        units=(DemoUnit(f"{code}-pelayanan", f"Pelayanan Puskesmas {name}", PUSKESMAS_SERVICES, users, weight,
                        quality, weak, profile="health"),),
    )


AGENCIES = (
    DemoAgency(
        "disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", Agency.Kind.DINAS,
        "Jl. Merdeka No. 12, Kota Sukamaju", "Drs. H. Bambang Sutrisno, M.Si.", "Kepala Dinas",
        "196905141994031006",
        (DemoUnit(KIOSK_UNIT, "Loket Pelayanan Administrasi Kependudukan",
                  ("Perekaman KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Kartu Identitas Anak",
                   "Surat Pindah Datang", "Akta Kematian", "Akta Perkawinan"),
                  users_per_quarter=2600, weight=15, quality=3.5, weak="waktu",
                  head_name="Wahyu Hidayat, S.Sos.", head_title="Kepala Bidang Pelayanan Pendaftaran Penduduk"),),
    ),
    DemoAgency(
        "dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", Agency.Kind.DINAS,
        "Jl. Pahlawan No. 3, Kota Sukamaju", "Ir. Hj. Endang Suryani, M.T.", "Kepala Dinas",
        "197102201998032004",
        (DemoUnit("dpmptsp-perizinan", "Loket Perizinan dan Nonperizinan",
                  ("Nomor Induk Berusaha (NIB)", "Persetujuan Bangunan Gedung (PBG)", "Izin Reklame",
                   "Surat Izin Praktik Tenaga Kesehatan", "Sertifikat Laik Fungsi"),
                  users_per_quarter=900, weight=5, quality=3.85, weak="prosedur", profile="business", paid=True),
         DemoUnit("dpmptsp-mpp", "Mal Pelayanan Publik Sukamaju",
                  ("Informasi dan Konsultasi Perizinan", "Pendampingan OSS", "Pengaduan Perizinan"),
                  users_per_quarter=1500, weight=6, quality=3.8, weak="sarana", profile="business")),
    ),
    DemoAgency(
        "dinkes", "Dinas Kesehatan", Agency.Kind.DINAS, "Jl. Dr. Sutomo No. 21, Kota Sukamaju",
        "dr. Hj. Lilis Suryati, M.Kes.", "Kepala Dinas", "197303182002122003",
        (DemoUnit("dinkes-perizinan", "Layanan Perizinan dan Sertifikasi Kesehatan",
                  ("Sertifikat Laik Higiene Sanitasi", "Sertifikat Produksi Pangan Industri Rumah Tangga",
                   "Rekomendasi Izin Apotek"),
                  users_per_quarter=45, weight=2.5, quality=3.45, weak="waktu", profile="business", paid=True),),
        children=(
            _puskesmas("puskesmas-sukamaju", "Sukamaju", "drg. Nining Kurniasih", "197809112006042012",
                       "Jl. Kesehatan No. 5", users=3000, weight=8, quality=3.5, weak="waktu"),
            _puskesmas("puskesmas-cibeureum", "Cibeureum", "dr. Yusuf Maulana", "198201052009011004",
                       "Jl. Raya Cibeureum No. 88", users=2200, weight=7, quality=3.0, weak="sarana"),
        ),
    ),
    DemoAgency(
        "rsud", "RSUD Kota Sukamaju", Agency.Kind.RSUD, "Jl. Rumah Sakit No. 1, Kota Sukamaju",
        "dr. H. Rahmat Hidayatullah, Sp.PD., MARS", "Direktur", "197006252000031002",
        (DemoUnit("rsud-rawat-jalan", "Instalasi Rawat Jalan",
                  ("Poli Penyakit Dalam", "Poli Anak", "Poli Kebidanan dan Kandungan", "Poli Bedah", "Poli Mata",
                   "Poli Saraf"),
                  users_per_quarter=9000, weight=12, quality=3.35, weak="waktu", profile="health", paid=True),
         DemoUnit("rsud-rawat-inap", "Instalasi Rawat Inap",
                  ("Rawat Inap Kelas III", "Rawat Inap Kelas II", "Rawat Inap Kelas I", "Rawat Inap Anak"),
                  users_per_quarter=1400, weight=5, quality=3.55, weak="biaya", profile="health", paid=True)),
    ),
    DemoAgency(
        "kec-sukamaju-utara", "Kecamatan Sukamaju Utara", Agency.Kind.KECAMATAN,
        "Jl. Siliwangi No. 40, Kota Sukamaju", "Drs. Asep Saepudin, M.Si.", "Camat Sukamaju Utara",
        "197504122000121003",
        (DemoUnit("kec-sukamaju-utara-paten", "PATEN Kecamatan Sukamaju Utara", KECAMATAN_SERVICES,
                  users_per_quarter=700, weight=4, quality=3.85, weak="pengaduan"),),
        children=(
            _kelurahan("kel-cempaka", "Cempaka", "Dadang Sudrajat, S.IP.", "197908032005011007",
                       "Jl. Cempaka Raya No. 2", users=400, weight=2.5, quality=3.9, weak="sarana"),
            _kelurahan("kel-melati", "Melati", "Euis Komariah, S.Sos.", "198005212008012011",
                       "Jl. Melati No. 17", users=350, weight=2.5, quality=3.5, weak="pengaduan"),
            _kelurahan("kel-kenanga", "Kenanga", "Ujang Rohman, S.AP.", "197612302006041005",
                       "Jl. Kenanga No. 9", users=300, weight=2.5, quality=3.4, weak="perilaku"),
        ),
    ),
    DemoAgency(
        "kec-sukamaju-selatan", "Kecamatan Sukamaju Selatan", Agency.Kind.KECAMATAN,
        "Jl. Ahmad Yani No. 101, Kota Sukamaju", "Hj. Tati Rohayati, S.Sos., M.Si.", "Camat Sukamaju Selatan",
        "197210172001122002",
        (DemoUnit("kec-sukamaju-selatan-paten", "PATEN Kecamatan Sukamaju Selatan", KECAMATAN_SERVICES,
                  users_per_quarter=600, weight=4, quality=3.45, weak="persyaratan"),),
        children=(
            _kelurahan("kel-mekarsari", "Mekarsari", "Iwan Setiawan, S.E.", "198103142010011009",
                       "Jl. Mekarsari No. 45", users=450, weight=3, quality=3.2, weak="waktu"),
            _kelurahan("kel-sukaresmi", "Sukaresmi", "Neneng Hasanah, S.Sos.", "198207252009022006",
                       "Jl. Sukaresmi No. 8", users=380, weight=2.5, quality=3.35, weak="kompetensi"),
        ),
    ),
    DemoAgency(
        "inspektorat", "Inspektorat Daerah", Agency.Kind.OTHER, "Jl. Veteran No. 7, Kota Sukamaju",
        "H. Tedi Rusmana, S.E., M.M., Ak.", "Inspektur", "196811101993031004",
        (DemoUnit("inspektorat-layanan", "Layanan Konsultasi dan Reviu Pengawasan",
                  ("Konsultasi Pengelolaan Keuangan Daerah", "Reviu Laporan Keuangan Perangkat Daerah",
                   "Pendampingan Pengadaan Barang/Jasa", "Surat Keterangan Bebas Temuan"),
                  users_per_quarter=35, weight=2.5, quality=3.8, weak="waktu", channels=INTERNAL,
                  profile="internal", respondent_type=RespondentType.INTERNAL),),
    ),
    DemoAgency(
        "dinsos", "Dinas Sosial", Agency.Kind.DINAS, "Jl. Kartini No. 14, Kota Sukamaju",
        "Dra. Hj. Imas Masitoh, M.Si.", "Kepala Dinas", "196904071995032003",
        (DemoUnit("dinsos-loket", "Loket Pelayanan Sosial",
                  ("Surat Keterangan Terdaftar DTKS", "Rekomendasi Penerima Bantuan Iuran JKN",
                   "Rekomendasi Rehabilitasi Sosial", "Pengaduan Bantuan Sosial"),
                  users_per_quarter=800, weight=4, quality=3.3, weak="persyaratan"),),
    ),
    DemoAgency(
        "dishub", "Dinas Perhubungan", Agency.Kind.DINAS, "Jl. Terminal No. 2, Kota Sukamaju",
        "Drs. Cecep Supriatna, M.M.", "Kepala Dinas", "197011151996031005",
        (DemoUnit("dishub-pengujian", "UPTD Pengujian Kendaraan Bermotor",
                  ("Uji Berkala Kendaraan Bermotor (KIR)", "Numpang Uji", "Mutasi Uji", "Izin Trayek Angkutan Kota"),
                  users_per_quarter=1100, weight=5, quality=2.95, weak="biaya", profile="transport", paid=True),),
    ),
    DemoAgency(
        "bapenda", "Badan Pendapatan Daerah", Agency.Kind.BADAN, "Jl. Otto Iskandardinata No. 30, Kota Sukamaju",
        "Hendi Permana, S.E., M.Si.", "Kepala Badan", "197407082000031008",
        (DemoUnit("bapenda-pbb", "Layanan PBB-P2 dan BPHTB",
                  ("Pembayaran PBB-P2", "Mutasi SPPT PBB-P2", "Validasi BPHTB", "Keberatan dan Pengurangan PBB-P2"),
                  users_per_quarter=1600, weight=6, quality=3.45, weak="produk"),),
    ),
)

# Suggestions as respondents write them. A low score usually prompts a remark on that element.
COMPLAINTS = {
    "persyaratan": (
        "Persyaratan sebaiknya diumumkan lebih jelas di papan informasi, saya harus bolak-balik melengkapi berkas.",
        "Mohon daftar persyaratan di website dan di loket dibuat sama.",
        "Fotokopi yang diminta terlalu banyak, padahal datanya sudah ada di sistem.",
        "Persyaratannya berubah-ubah, petugas yang satu dan yang lain memberi info berbeda.",
    ),
    "prosedur": (
        "Alurnya membingungkan, tidak ada petunjuk loket mana yang harus didatangi dulu.",
        "Pendaftaran online sering gagal, akhirnya tetap harus datang langsung.",
        "Mohon alur pelayanan dibuat lebih sederhana dan dipasang di dekat pintu masuk.",
        "Harus minta paraf ke beberapa meja, sebaiknya cukup satu pintu.",
    ),
    "waktu": (
        "Antrean terlalu lama, mohon tambah petugas di jam sibuk.",
        "Saya menunggu hampir tiga jam untuk layanan yang seharusnya sebentar.",
        "Dokumen yang dijanjikan selesai tiga hari ternyata baru jadi seminggu.",
        "Nomor antrean sudah habis sebelum jam sepuluh pagi.",
        "Pelayanan baru mulai jam sembilan padahal jadwalnya jam delapan.",
    ),
    "biaya": (
        "Tarif sebaiknya dipasang di loket supaya jelas.",
        "Masih ada pungutan di luar tarif resmi, mohon ditertibkan.",
        "Biayanya cukup berat untuk masyarakat kecil.",
        "Mohon pembayaran bisa nontunai, tidak harus ke bank dulu.",
    ),
    "produk": (
        "Ada salah ketik nama di dokumen, saya harus datang lagi untuk perbaikan.",
        "Hasilnya tidak sesuai dengan yang saya ajukan.",
        "Tagihan yang tercetak berbeda dengan data yang saya laporkan.",
    ),
    "kompetensi": (
        "Petugas kurang menguasai aturan, jawabannya berbeda-beda.",
        "Mohon petugas diberi pelatihan agar bisa menjelaskan dengan jelas.",
        "Petugas baru masih bingung, harus bertanya ke atasan terus.",
    ),
    "perilaku": (
        "Petugas kurang ramah dan sibuk dengan ponselnya.",
        "Mohon petugas lebih sabar melayani orang tua.",
        "Ada petugas yang menjawab dengan ketus.",
    ),
    "sarana": (
        "Ruang tunggu panas dan kursinya kurang.",
        "Toilet kotor dan tempat parkir sempit.",
        "Mohon disediakan akses kursi roda dan ruang laktasi.",
        "Mesin antrean sering rusak, jadi antre manual lagi.",
    ),
    "pengaduan": (
        "Saya pernah mengadu lewat WhatsApp tetapi tidak ada tanggapan.",
        "Kotak saran tidak pernah dibuka, tidak jelas ke mana harus mengadu.",
        "Mohon nomor pengaduan dicantumkan di loket.",
        "Pengaduan saya bulan lalu belum ada kabarnya sampai sekarang.",
    ),
}
HEALTH_COMPLAINTS = {
    "waktu": ("Dokter datang terlambat, antrean poli sangat panjang.",
              "Menunggu obat di apotek lebih lama daripada diperiksa dokter."),
    "sarana": ("Obat di apotek sering kosong, harus beli di luar.",
               "Ruang tunggu poli penuh, banyak pasien berdiri."),
}
INTERNAL_COMPLAINTS = (
    "Jadwal konsultasi sebaiknya bisa dipesan secara daring.",
    "Hasil reviu agar disampaikan lebih cepat supaya bisa ditindaklanjuti sebelum tenggat.",
    "Mohon ada contoh dokumen yang benar sebelum pendampingan.",
    "Tanggapan atas pertanyaan lewat surat terlalu lama.",
)
PRAISE = (
    "Pelayanan cepat dan petugasnya ramah, terima kasih.",
    "Sudah bagus, pertahankan.",
    "Prosesnya mudah dan tidak dipungut biaya. Mantap!",
    "Terima kasih, petugas sangat membantu.",
    "Pelayanan sekarang jauh lebih baik dari tahun lalu.",
    "Ruangannya bersih dan nyaman, petugas sigap.",
)
GENERAL = (
    "Mohon jam pelayanan diperpanjang sampai sore.",
    "Sebaiknya ada layanan di hari Sabtu untuk warga yang bekerja.",
    "Informasi di media sosial agar diperbarui.",
    "Semoga ada layanan antar dokumen ke rumah.",
    "Tolong sediakan air minum di ruang tunggu.",
    "Lanjutkan inovasinya, semoga makin baik.",
)
INTERNAL_PRAISE = (
    "Pendampingan sangat membantu penyusunan laporan kami.",
    "Tim Inspektorat responsif dan komunikatif.",
    "Konsultasinya jelas, terima kasih.",
)

# Hour of arrival on a working day (office hours; Friday noon is left for Friday prayers).
HOURS = {8: 14, 9: 20, 10: 19, 11: 14, 12: 4, 13: 11, 14: 12, 15: 6}
FRIDAY_HOURS = {8: 16, 9: 22, 10: 20, 11: 6, 12: 1, 13: 8, 14: 10, 15: 4}
EDUCATION_WEIGHTS = {
    "young": {"SMP": 10, "SMA": 70, "D1-D3": 8, "D4/S1": 12},
    "adult": {"TS": 2, "SD": 9, "SMP": 15, "SMA": 41, "D1-D3": 10, "D4/S1": 19, "S2": 3.5, "S3": 0.5},
    "senior": {"TS": 6, "SD": 22, "SMP": 20, "SMA": 30, "D1-D3": 7, "D4/S1": 12, "S2": 2.5, "S3": 0.5},
}
OCCUPATION_WEIGHTS = {  # "Lainnya" is students, homemakers and the retired
    "general": {"PNS": 7, "TNI": 1, "POLRI": 1, "Swasta": 32, "Wirausaha": 24, "Lainnya": 35},
    "health": {"PNS": 6, "TNI": 1, "POLRI": 1, "Swasta": 28, "Wirausaha": 20, "Lainnya": 44},
    "business": {"PNS": 3, "TNI": 0.5, "POLRI": 0.5, "Swasta": 32, "Wirausaha": 56, "Lainnya": 8},
    "transport": {"PNS": 2, "TNI": 1, "POLRI": 1, "Swasta": 48, "Wirausaha": 36, "Lainnya": 12},
}
FEMALE_SHARE = {"general": 0.53, "health": 0.64, "business": 0.38, "transport": 0.12, "internal": 0.48}
AGE_MODE = {"general": 34, "health": 40, "business": 38, "transport": 40}
SUGGESTION_RATE = 0.22
BLANK_RATE = 0.03  # paper sheets and imported files only: kiosk and QR forms require every answer
REPEAT_RATE = 0.004  # kiosk taps sent twice


@dataclass
class DemoSummary:
    region: Region
    agencies: int
    units: int
    responses: int
    excluded: int
    first_day: date
    last_day: date
    seconds: float
    kept_users: list[str] = field(default_factory=list)


def demo_seed(*, responses: int = 6000, seed: int = 2026, today: date | None = None,
              passwords: dict[str, str] | None = None, kiosk_token: str = KIOSK_TOKEN) -> DemoSummary:
    """Build Kota Sukamaju with `responses` responses over the last four quarters up to yesterday.

    passwords: username -> password for the demo users (default: the published PASSWORD for all of them);
    kiosk_token: the demo kiosk's token. A production install passes generated ones (seed_demo)."""
    started = time.monotonic()
    today = today or timezone.localdate()
    quarters = Period.containing(today).previous_ones(4)
    days = [day for day in _dates(quarters[0].start, today - timedelta(days=1)) if day.weekday() < 5]
    questionnaire = Questionnaire.objects.get(is_default=True)
    elements = list(Element.objects.filter(questionnaire=questionnaire).order_by("position"))
    with transaction.atomic():
        region = Region.objects.create(code=REGION_CODE, name=REGION_NAME, kind=Region.Kind.KOTA,
                                       kemendagri_code=REGION_KEMENDAGRI_CODE)
        units = []
        for spec in AGENCIES:
            units += _agency_create(spec, region=region, parent=None, questionnaire=questionnaire)
        _populations_create(units, quarters=quarters, seed=seed)
        users, kept = _users_create(passwords or {})
        kiosks = _kiosks_create(units, creator=users.get("admin"), token=kiosk_token)
        new_responses, to_exclude = [], []
        for (spec, unit), count in zip(units, _split(responses, [spec.weight for spec, _ in units]), strict=True):
            made, excluded = _unit_responses(spec, unit, count=count, days=days, quarters=quarters,
                                             elements=elements, kiosk=kiosks.get(unit.id), seed=seed)
            new_responses += made
            to_exclude += excluded
        _import_batches_assign(new_responses, units=units, quarters=quarters, seed=seed, by=users.get("bagor"))
        responses_submit_many(new_responses)
        for response in Response.objects.filter(key__in=to_exclude):
            response_exclude(response, by=users.get("bagor"), excluded=True)
        _kiosks_last_seen(kiosks.values(), new_responses)
        _follow_up_plans_create(units, elements=elements, quarters=quarters, today=today, by=users.get("admin"))
    return DemoSummary(
        region=region, agencies=Agency.objects.filter(region=region).count(), units=len(units),
        responses=len(new_responses), excluded=len(to_exclude), first_day=days[0], last_day=days[-1],
        seconds=time.monotonic() - started, kept_users=kept,
    )


def _dates(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _split(total: int, weights: list[float]) -> list[int]:
    """Share `total` out by weight, largest remainders first, so the parts add up exactly."""
    exact = [total * weight / sum(weights) for weight in weights]
    parts = [int(share) for share in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))
    for i in by_remainder[:total - sum(parts)]:
        parts[i] += 1
    return parts


def _agency_create(spec: DemoAgency, *, region, parent, questionnaire) -> list[tuple[DemoUnit, ServiceUnit]]:
    agency = Agency.objects.create(
        region=region, parent=parent, code=spec.code, name=spec.name, kind=spec.kind, address=spec.address,
        head_name=spec.head_name, head_title=spec.head_title, head_nip=spec.head_nip,
    )
    units = []
    for unit_spec in spec.units:
        unit = ServiceUnit.objects.create(
            agency=agency, code=unit_spec.code, name=unit_spec.name, address=spec.address,
            respondent_type=unit_spec.respondent_type, questionnaire=questionnaire,
            head_name=unit_spec.head_name or spec.head_name, head_title=unit_spec.head_title or spec.head_title,
            head_nip="" if unit_spec.head_name else spec.head_nip,
        )
        Service.objects.bulk_create([Service(unit=unit, name=name) for name in unit_spec.services])
        units.append((unit_spec, unit))
    for child in spec.children:
        units += _agency_create(child, region=region, parent=agency, questionnaire=questionnaire)
    return units


# What a unit's staff would plan for its weakest element, by the element's slug.
DEMO_ACTIONS = {
    "persyaratan": "Memasang daftar persyaratan per jenis layanan di loket dan di laman unit.",
    "prosedur": "Menyederhanakan alur layanan menjadi satu loket dan memasang bagan alur di ruang tunggu.",
    "waktu": "Menambah satu petugas loket pada jam ramai (08.00–11.00) dan memasang nomor antrean elektronik.",
    "biaya": "Memasang papan tarif resmi dan melayani pembayaran nontunai di loket.",
    "produk": "Menyusun standar hasil layanan dan memeriksanya sebelum diserahkan kepada pemohon.",
    "kompetensi": "Pelatihan pelayanan prima untuk seluruh petugas loket.",
    "perilaku": "Menetapkan standar sapaan dan memantau sikap petugas melalui survei bulanan.",
    "sarana": "Menambah kursi ruang tunggu, kipas angin dan toilet ramah disabilitas.",
    "pengaduan": "Membuka kanal pengaduan WhatsApp dan menjawab setiap aduan paling lambat 3 hari kerja.",
}


def _follow_up_plans_create(units, *, elements, quarters: list[Period], today: date, by):
    """Follow-up plans on the weakest element of the three weakest units, as their staff would have made them
    after the last two complete quarters: one done with its evidence, one under way, one still planned."""
    by_slug = {element.slug: element for element in elements}
    weakest = sorted(units, key=lambda pair: pair[0].quality)[:3]
    yesterday = today - timedelta(days=1)
    older, last = quarters[-3], quarters[-2]
    statuses = (FollowUpPlan.Status.DONE, FollowUpPlan.Status.IN_PROGRESS, FollowUpPlan.Status.PLANNED)
    for (spec, unit), quarter, status in zip(weakest, (older, last, last), statuses, strict=True):
        planned_on = min(quarter.end + timedelta(days=7), yesterday)
        plan = follow_up_plan_create(
            unit=unit, element=by_slug[spec.weak], quarter=quarter, planned_on=planned_on,
            action=DEMO_ACTIONS[spec.weak], responsible=f"Kepala {unit.name}",
            due_date=quarter.end + timedelta(days=60), by=by)
        if status == FollowUpPlan.Status.PLANNED:
            continue
        changed_on = max(planned_on, min(quarter.end + timedelta(days=21), yesterday))
        follow_up_plan_update(
            plan=plan, action=plan.action, responsible=plan.responsible, due_date=plan.due_date, status=status,
            status_date=changed_on, by=by,
            **({"evidence_note": "Dikerjakan sesuai rencana; foto sebelum dan sesudah di tautan.",
                "evidence_link": f"https://sukamaju.example/rtl/{unit.code}"} if status == FollowUpPlan.Status.DONE
               else {}))


def _populations_create(units, *, quarters: list[Period], seed: int):
    rng = random.Random(f"{seed}:populations")
    Population.objects.bulk_create([
        Population(unit=unit, year=quarter.year, quarter=quarter.number,
                   service_users=max(10, int(round(spec.users_per_quarter * rng.uniform(0.88, 1.12), -1))))
        for spec, unit in units for quarter in quarters
    ])


def _users_create(passwords: dict[str, str]) -> tuple[dict, list[str]]:
    """The demo staff; an account that already exists under a demo name is left exactly as it is."""
    User = get_user_model()
    existing = set(User.objects.filter(username__in=[user.username for user in DEMO_USERS])
                   .values_list("username", flat=True))
    hashed = make_password(PASSWORD)  # hashed once: the demo password is public anyway
    users = {}
    for demo_user in DEMO_USERS:
        if demo_user.username in existing:
            continue
        superuser = demo_user.role == SUPERUSER
        user = User.objects.create(
            username=demo_user.username, first_name=demo_user.first_name, last_name=demo_user.last_name,
            email=f"{demo_user.username}@{EMAIL_DOMAIN}",
            password=make_password(passwords[demo_user.username]) if demo_user.username in passwords else hashed,
            is_staff=superuser, is_superuser=superuser,
        )
        if not superuser:
            scope = SCOPE_MODELS[demo_user.role].objects.get(code=demo_user.scope)
            staff_role_grant(by=None, user=user, role=demo_user.role, scope=scope)
        users[demo_user.username] = user
    return users, sorted(existing)


def _kiosks_create(units, *, creator, token: str) -> dict[int, Kiosk]:
    """One tablet per unit that collects at a kiosk; only the demo unit's token is known."""
    kiosks = {}
    for spec, unit in units:
        if Channel.KIOSK not in dict(spec.channels):
            continue
        if unit.code == KIOSK_UNIT:
            kiosk = Kiosk(unit=unit, name=KIOSK_NAME, created_by=creator)
            kiosk.set_token(token)
            kiosk.save()
        else:
            kiosk, _token = kiosk_create(unit=unit, name=KIOSK_NAME, by=creator)
        kiosks[unit.id] = kiosk
    return kiosks


def _kiosks_last_seen(kiosks, new_responses):
    last = {}
    for new in new_responses:
        if new.kiosk_id:
            last[new.kiosk_id] = max(last.get(new.kiosk_id, new.answered_at), new.answered_at)
    for kiosk in kiosks:
        if kiosk.id in last:
            kiosk.last_seen_at = last[kiosk.id]
            kiosk.save(update_fields=["last_seen_at"])


def _import_batches_assign(new_responses, *, units, quarters, seed, by):
    """Imported responses arrive as one spreadsheet per unit and quarter."""
    starts = [quarter.start for quarter in quarters]
    rows = defaultdict(list)
    for new in new_responses:
        if new.channel == Channel.IMPORT:
            quarter = quarters[bisect_right(starts, new.answered_at.astimezone(TZ).date()) - 1]
            rows[(new.unit_id, quarter)].append(new)
    codes = {unit.id: unit.code for _, unit in units}
    for (unit_id, quarter), batch_rows in rows.items():
        name = f"rekap-skm-{codes[unit_id]}-{quarter.slug}.xlsx"
        batch = ImportBatch.objects.create(
            unit_id=unit_id, filename=name, row_count=len(batch_rows), imported_by=by,
            sha256=hashlib.sha256(f"demo:{seed}:{name}".encode()).hexdigest(),
        )
        for new in batch_rows:
            new.import_batch_id = batch.id


def _unit_responses(spec: DemoUnit, unit: ServiceUnit, *, count: int, days: list[date], quarters: list[Period],
                    elements: list[Element], kiosk: Kiosk | None, seed: int) -> tuple[list[NewResponse], list]:
    """`count` responses for one unit, and the keys of those to exclude from the scores."""
    rng = random.Random(f"{seed}:{spec.code}")
    services = list(unit.services.order_by("id").values_list("id", flat=True))
    service_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(services))]
    # Each element sits a little above or below the unit's level; the weak one clearly below.
    offsets = {element.slug: rng.uniform(-0.08, 0.08) for element in elements}
    offsets["biaya"] += -0.05 if spec.paid else 0.3  # free services are mostly answered "Gratis"
    offsets[spec.weak] -= 0.65
    trend = rng.uniform(-0.04, 0.08)  # per quarter, centred on the middle of the year
    starts = [quarter.start for quarter in quarters]
    channels, channel_weights = zip(*spec.channels, strict=True)

    def draw() -> NewResponse:
        day = rng.choice(days)
        level = spec.quality + trend * (bisect_right(starts, day) - 2.5)
        channel = rng.choices(channels, channel_weights)[0]
        mood = rng.gauss(0, 0.4)  # one respondent's general satisfaction runs through every answer
        scores = {element: _score(level + offsets[element.slug] + mood + rng.gauss(0, 0.4)) for element in elements}
        on_paper = channel in (Channel.PAPER, Channel.IMPORT)
        if on_paper:
            blanks = [element for element in elements if rng.random() < BLANK_RATE]
            for element in blanks[:len(elements) - 1]:
                scores[element] = None
        profile = _profile(rng, spec.profile, blanks_allowed=on_paper)
        suggestion = _suggestion(rng, {element.slug: value for element, value in scores.items()}, spec)
        return NewResponse(
            key=uuid.UUID(int=rng.getrandbits(128), version=4), unit_id=unit.id, service_id=rng.choices(
                services, service_weights)[0], questionnaire_id=unit.questionnaire_id, channel=channel,
            answered_at=_office_time(rng, day),
            answers={element.id: value for element, value in scores.items() if value is not None},
            respondent_type=spec.respondent_type,
            suggestion=suggestion, **suggestion_tags(suggestion),
            kiosk_id=kiosk.id if channel == Channel.KIOSK and kiosk else None, **profile,
        )

    repeats = max(1, round(count * REPEAT_RATE)) if kiosk and count >= 20 else 0
    made = [draw() for _ in range(count - repeats)]
    # A few kiosk answers sent twice (before closing time): flagged as suspected repeats, half of them excluded.
    tapped = [new for new in made if new.kiosk_id and new.answered_at.hour < 15]
    excluded = []
    for number, new in enumerate(rng.sample(tapped, min(len(tapped), repeats))):
        repeat = replace(new, key=uuid.UUID(int=rng.getrandbits(128), version=4), suspected_repeat=True,
                         answered_at=new.answered_at + timedelta(seconds=rng.randint(20, 120)))
        made.append(repeat)
        if number % 2 == 0:
            excluded.append(repeat.key)
    made += [draw() for _ in range(count - len(made))]
    return made, excluded


def _score(latent: float) -> int:
    return min(4, max(1, int(latent + 0.5)))


def _office_time(rng: random.Random, day: date) -> datetime:
    hours = FRIDAY_HOURS if day.weekday() == 4 else HOURS
    hour = rng.choices(list(hours), list(hours.values()))[0]
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=TZ)


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _profile(rng: random.Random, kind: str, *, blanks_allowed: bool) -> dict:
    gender = "P" if rng.random() < FEMALE_SHARE[kind] else "L"
    if kind == "internal":  # civil servants of other agencies
        age = rng.randint(24, 58)
        education = _pick(rng, {"SMA": 5, "D1-D3": 12, "D4/S1": 58, "S2": 24, "S3": 1})
        occupation = "PNS" if rng.random() < 0.93 else "Lainnya"  # PPPK and contract staff
    else:
        age = min(75, max(17, round(rng.triangular(17, 75, AGE_MODE[kind]))))
        education = _pick(rng, EDUCATION_WEIGHTS["young" if age < 21 else "senior" if age >= 55 else "adult"])
        occupations = dict(OCCUPATION_WEIGHTS[kind])
        if age < 23 or age >= 58:
            occupations["Lainnya"] *= 3
        if education in ("TS", "SD"):
            occupations.update(PNS=0, TNI=0, POLRI=0)
        occupation = _pick(rng, occupations)
    profile = {"gender": gender, "age": age, "education": education, "occupation": occupation}
    if blanks_allowed:  # a box left empty on the sheet
        for name in profile:
            if rng.random() < 0.04:
                profile[name] = None if name == "age" else ""
    return profile


def _suggestion(rng: random.Random, scores: dict[str, int | None], spec: DemoUnit) -> str:
    if rng.random() >= SUGGESTION_RATE:
        return ""
    answered = {slug: value for slug, value in scores.items() if value is not None}
    lowest = min(answered, key=answered.get)
    internal = spec.profile == "internal"
    if answered[lowest] <= 2 and rng.random() < 0.75:
        if internal:
            return rng.choice(INTERNAL_COMPLAINTS)
        extra = HEALTH_COMPLAINTS.get(lowest, ()) if spec.profile == "health" else ()
        return rng.choice(COMPLAINTS[lowest] + extra)
    if sum(answered.values()) / len(answered) >= 3.5 and rng.random() < 0.7:
        return rng.choice(INTERNAL_PRAISE if internal else PRAISE)
    return rng.choice(INTERNAL_COMPLAINTS if internal else GENERAL)
