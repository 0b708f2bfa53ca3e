"""The bench's scratch database: created on the DATABASE_URL server, migrated, then filled with COPY.

Full size: 1,000,000 responses over 500 units of one kabupaten, one unit (the Disdukcapil counter) holding
100,000 of them; quick size: 20,000 over 50 units. The responses fall on working days and office hours of
the four complete quarters before today's, with unit-to-unit differences in volume, services, channels,
profiles and scores. The tallies are then counted from the loaded rows in SQL, as surveys.tallies would.
"""

from __future__ import annotations

import hashlib
import json
import time
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg
from psycopg import sql

if TYPE_CHECKING:  # reports.periods needs configured settings; bench/run.py sets them up after choosing the database
    from reports.periods import Period

SEED = 20261123


@dataclass(frozen=True)
class Size:
    responses: int
    units: int
    big_unit_responses: int


FULL = Size(responses=1_000_000, units=500, big_unit_responses=100_000)
QUICK = Size(responses=20_000, units=50, big_unit_responses=2_000)
CHECKED_UP_TO = 200_000  # loaded tallies are compared with surveys.tallies' own recount (Python) up to this size


def sized(responses: int) -> Size:
    """`responses` over FULL's units, a tenth of them on the big unit."""
    if responses < FULL.units * 10:
        raise ValueError(f"--size {responses}: at least {FULL.units * 10:,} responses over {FULL.units} units")
    return Size(responses=responses, units=FULL.units, big_unit_responses=responses // 10)


# -- the scratch database ------------------------------------------------------------------------------

def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def scratch_url(url: str, *, quick: bool, size: int | None = None) -> str:
    """The server of `url` with a database of the bench's own, named after the given one (and the size, when
    it is not the default)."""
    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "skm"
    name = f"{base.removesuffix('_bench')}_bench_scratch" + ("_quick" if quick else "") + (
        f"_{size}" if size and size != FULL.responses else "")
    return urlunsplit(parts._replace(path=f"/{name}"))


def _server(url: str) -> tuple[str, str]:
    """A connection string to the server's maintenance database, and the database name of `url`."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), parts.path.lstrip("/")


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql")))


def database_create(url: str) -> None:
    server, name = _server(url)
    with psycopg.connect(server, autocommit=True) as connection:
        # A run that was killed leaves its database behind; start clean.
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_drop(url: str) -> None:
    server, name = _server(url)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def database_exists(url: str) -> bool:
    server, name = _server(url)
    with psycopg.connect(server, autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


# -- what the data looks like ---------------------------------------------------------------------------

PLACE_HEADS = ("Suka", "Cinta", "Mekar", "Sindang", "Karang", "Tanjung", "Bojong", "Pasir", "Sumber", "Jati",
               "Harja", "Mulya", "Wangi", "Taman", "Tegal", "Cipta", "Marga", "Giri", "Bumi", "Sido")
PLACE_TAILS = ("maju", "jaya", "mulya", "sari", "rahayu", "asih", "wangi", "harja", "raya", "baru", "indah",
               "makmur", "luhur", "mekar", "agung", "rejo", "kerta", "laksana")
DINAS = (
    ("Dinas Kependudukan dan Pencatatan Sipil", "dinas", ["Loket Pelayanan Terpadu", "Pelayanan Keliling",
                                                         "Loket Mal Pelayanan Publik"]),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "dinas", ["Mal Pelayanan Publik",
                                                                       "Loket Perizinan Usaha",
                                                                       "Loket Perizinan Bangunan"]),
    ("Badan Pendapatan Daerah", "badan", ["Loket PBB-P2", "Samsat Keliling", "Loket BPHTB"]),
    ("Dinas Sosial", "dinas", ["Loket Pelayanan Sosial", "Rumah Singgah"]),
    ("Dinas Perhubungan", "dinas", ["Pengujian Kendaraan Bermotor", "Terminal Tipe C"]),
    ("Dinas Tenaga Kerja", "dinas", ["Loket Kartu Pencari Kerja", "Balai Latihan Kerja"]),
    ("Dinas Lingkungan Hidup", "dinas", ["Pelayanan Persampahan", "Laboratorium Lingkungan"]),
    ("Dinas Pendidikan", "dinas", ["Layanan Legalisir dan Mutasi", "Layanan PPDB"]),
    ("Dinas Perdagangan", "dinas", ["Metrologi Legal", "Pasar Induk"]),
    ("Dinas Pertanian", "dinas", ["Klinik Tanaman", "Pelayanan Kesehatan Hewan"]),
    ("Dinas Perpustakaan dan Kearsipan", "dinas", ["Perpustakaan Daerah"]),
    ("Dinas Komunikasi dan Informatika", "dinas", ["Pelayanan Informasi Publik"]),
    ("Satuan Polisi Pamong Praja", "other", ["Pengaduan Ketertiban Umum"]),
    ("Badan Penanggulangan Bencana Daerah", "badan", ["Pusdalops"]),
    ("RSUD Kabupaten", "rsud", ["Instalasi Rawat Jalan", "Instalasi Gawat Darurat", "Instalasi Farmasi",
                                 "Instalasi Laboratorium", "Pendaftaran Pasien"]),
)
BIG_UNIT_SERVICES = ("Perekaman KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Akta Kematian",
                     "Kartu Identitas Anak", "Surat Pindah", "Legalisir Dokumen", "Aktivasi IKD")
SERVICE_NAMES = ("Surat Keterangan Domisili", "Surat Keterangan Tidak Mampu", "Surat Pengantar Nikah",
                 "Legalisir", "Rekomendasi", "Pendaftaran", "Konsultasi", "Pengaduan", "Perizinan",
                 "Surat Keterangan Usaha", "Pelayanan Informasi", "Pemeriksaan", "Surat Keterangan Ahli Waris")
SUGGESTIONS = ("Antrian mohon dipercepat.", "Petugas ramah, pertahankan.", "Ruang tunggu kurang kursi.",
               "Tolong tambah petugas di jam sibuk.", "Pelayanan sudah baik, terima kasih.",
               "Informasi persyaratan sebaiknya dipasang di depan.", "AC ruang tunggu tidak dingin.",
               "Toilet perlu lebih bersih.", "Parkir terlalu sempit.", "Mohon ada nomor antrian online.",
               "Pelayanan cepat dan jelas.", "Jam buka sebaiknya lebih pagi.", "Petugas kurang senyum.",
               "Sistem sering gangguan.", "Sangat puas dengan pelayanan hari ini.")
GENDERS, GENDER_P = np.array(["L", "P"]), [0.48, 0.52]
EDUCATIONS = np.array(["TS", "SD", "SMP", "SMA", "D1-D3", "D4/S1", "S2", "S3"])
EDUCATION_P = [0.02, 0.12, 0.16, 0.40, 0.10, 0.16, 0.035, 0.005]
OCCUPATIONS = np.array(["PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Lainnya"])
OCCUPATION_P = [0.10, 0.02, 0.02, 0.32, 0.26, 0.28]
CHANNELS = np.array(["kiosk", "qr", "paper"])
QUARTER_WEIGHTS = (0.22, 0.24, 0.26, 0.28)  # adoption grows during the year


@dataclass
class World:
    """What the measurements need to know about the loaded data."""

    region_id: int
    region_code: str
    region_admin_id: int
    unit_ids: list[int]
    big_unit_id: int
    quarters: list[Period]
    responses: int
    responses_counted: int  # not excluded
    big_unit_counted: int
    units_by_size: list[int] = field(default_factory=list)  # unit ids, most responses first

    def save(self, connection) -> None:
        """Remember the world in the scratch database, for --reuse."""
        state = {**self.__dict__, "quarters": [quarter.slug for quarter in self.quarters]}
        connection.execute("CREATE TABLE bench_world (state jsonb)")
        connection.execute("INSERT INTO bench_world VALUES (%s)", [json.dumps(state)])
        connection.commit()

    @classmethod
    def saved(cls, connection) -> "World | None":
        exists = connection.execute("SELECT to_regclass('bench_world')").fetchone()[0]
        row = exists and connection.execute("SELECT state FROM bench_world").fetchone()
        if not row:
            return None
        from reports.periods import Period

        return cls(**{**row[0], "quarters": [Period.from_slug(slug) for slug in row[0]["quarters"]]})

    @property
    def latest_quarter(self) -> Period:
        return self.quarters[-1]

    @property
    def year(self) -> Period:
        from reports.periods import Period

        return Period.custom(self.quarters[0].start, self.quarters[-1].end)


def quarters_before(today: date) -> list[Period]:
    from reports.periods import Period

    return Period.containing(today).previous().previous_ones(4)


def _place_names(rng, count: int) -> list[str]:
    names = [head + tail for head in PLACE_HEADS for tail in PLACE_TAILS]
    rng.shuffle(names)
    return [names[i % len(names)] + ("" if i < len(names) else f" {i // len(names) + 1}") for i in range(count)]


def _plan(size: Size, places: list[str]) -> list[tuple]:
    """(agency name, kind, parent row or None, unit names) rows: a few dinas with several counters each,
    puskesmas under the Dinas Kesehatan, and kecamatan with up to ten kelurahan each, `size.units` units."""
    plan, units = [], 0
    for name, kind, unit_names in DINAS:
        if units >= max(3, size.units * 0.12):
            break
        plan.append((name, kind, None, unit_names))
        units += len(unit_names)
    plan.append(("Dinas Kesehatan", "dinas", None, []))
    health = len(plan) - 1
    place = iter(places)
    for _ in range(max(2, round(size.units * 0.14))):
        name = f"UPTD Puskesmas {next(place)}"
        plan.append((name, "puskesmas", health, [name]))
        units += 1
    while units < size.units:
        kecamatan = next(place)
        plan.append((f"Kecamatan {kecamatan}", "kecamatan", None, [f"Kantor Kecamatan {kecamatan}"]))
        parent, units = len(plan) - 1, units + 1
        for _ in range(min(10, size.units - units)):
            kelurahan = next(place)
            plan.append((f"Kelurahan {kelurahan}", "kelurahan", parent, [f"Kantor Kelurahan {kelurahan}"]))
            units += 1
    return plan


def _structure(size: Size, rng):
    """Region, agencies, units, services, kiosks and the region admin, through the ORM."""
    from django.contrib.auth import get_user_model

    from agencies.models import Agency, Region, Service, ServiceUnit, StaffRole
    from surveys.models import Kiosk, Questionnaire

    questionnaire = Questionnaire.objects.get(is_default=True)
    region = Region.objects.create(code="kab-uji-kinerja", name="Kabupaten Uji Kinerja", kind="kabupaten",
                                   kemendagri_code="99.99")
    admin = get_user_model().objects.create_user("bench-bagor", password=None)
    StaffRole.objects.create(user=admin, role=StaffRole.Role.REGION_ADMIN, region=region)

    plan = _plan(size, _place_names(rng, size.units + 10))
    agencies = [Agency(region=region, code=f"opd-{n:04d}", name=name, kind=kind, address=f"Jl. Raya Uji No. {n}",
                       head_name=f"Kepala {name}", head_title="Kepala", head_nip=f"19700101 199803 1 {n:03d}")
                for n, (name, kind, _parent, _units) in enumerate(plan, 1)]
    for level in (False, True):  # parents first: the rows below them need their ids
        rows = [i for i, row in enumerate(plan) if (row[2] is not None) == level]
        for i in rows:
            agencies[i].parent = agencies[plan[i][2]] if level else None
        Agency.objects.bulk_create([agencies[i] for i in rows])
    units = []
    for i, (_name, _kind, _parent, unit_names) in enumerate(plan):
        for name in unit_names:
            n = len(units) + 1
            units.append(ServiceUnit(agency=agencies[i], code=f"unit-{n:04d}", name=name,
                                     address=f"Jl. Pelayanan No. {n}", questionnaire=questionnaire,
                                     respondent_type="internal" if rng.random() < 0.03 else "public",
                                     head_name=f"Kepala {name}", head_title="Kepala Unit",
                                     # Every load submission takes the whole write path (counted and tallied)
                                     # instead of being flagged too fast (docs/integrity.md).
                                     kiosk_min_interval=0, kiosk_hourly_ceiling=32767))
    units = ServiceUnit.objects.bulk_create(units[: size.units])

    services = []
    for index, unit in enumerate(units):
        names = BIG_UNIT_SERVICES if index == 0 else rng.choice(
            SERVICE_NAMES, size=min(len(SERVICE_NAMES), rng.geometric(0.45)), replace=False)
        services += [Service(unit=unit, name=str(name)) for name in names]
    services = Service.objects.bulk_create(services)
    kiosks = Kiosk.objects.bulk_create([
        Kiosk(unit=unit, name=f"Tablet loket {k + 1}",
              token_hash=hashlib.sha256(f"bench-{unit.id}-{k}".encode()).hexdigest())
        for index, unit in enumerate(units) for k in range(4 if index == 0 else 1 + int(rng.random() < 0.3))
    ])
    return region, admin, units, services, kiosks


def _answered_at(size: Size, rng, quarters: list[Period], zone) -> np.ndarray:
    """Seconds since the epoch: a working day of one of the quarters, between 08:00 and 16:00 local."""
    workdays = [[day for day in (q.start + timedelta(days=i) for i in range(q.days)) if day.weekday() < 5]
                for q in quarters]
    midnights = [np.array([datetime(d.year, d.month, d.day, tzinfo=zone).timestamp() for d in days])
                 for days in workdays]
    quarter = rng.choice(4, size=size.responses, p=QUARTER_WEIGHTS)
    seconds = np.empty(size.responses)
    for q in range(4):
        chosen = quarter == q
        seconds[chosen] = midnights[q][rng.integers(0, len(midnights[q]), chosen.sum())]
    # Busier mornings than afternoons.
    return (seconds + rng.triangular(8 * 3600, 9.5 * 3600, 16 * 3600, size.responses)).astype(np.int64)


def _timestamps(epoch_seconds: np.ndarray) -> list[str]:
    text = np.datetime_as_string(epoch_seconds.astype("datetime64[s]"), unit="s")
    return [value + "+00" for value in text.tolist()]


def data_load(size: Size, *, connection, today: date, seed: int = SEED, log=print) -> World:
    """Create the structure with the ORM, COPY the responses and answers, count the tallies in SQL.

    `connection` is a psycopg connection to the scratch database (the ORM uses its own)."""
    from django.conf import settings

    from surveys.models import Element

    rng = np.random.default_rng(seed)
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    quarters = quarters_before(today)
    started = time.perf_counter()
    region, admin, units, services, kiosks = _structure(size, rng)
    unit_count = len(units)
    questionnaire_id = units[0].questionnaire_id
    element_ids = list(Element.objects.filter(questionnaire_id=questionnaire_id)
                       .order_by("position").values_list("id", flat=True))

    # Responses per unit: the big unit its share, the others spread log-normally.
    weights = rng.lognormal(0, 0.8, unit_count - 1)
    rest = rng.multinomial(size.responses - size.big_unit_responses, weights / weights.sum())
    per_unit = np.concatenate([[size.big_unit_responses], rest])
    unit_index = np.repeat(np.arange(unit_count), per_unit)
    n = size.responses

    position = {unit.id: i for i, unit in enumerate(units)}
    services_of, kiosks_of = [[] for _ in units], [[] for _ in units]
    for service in services:
        services_of[position[service.unit_id]].append(service.id)
    for kiosk in kiosks:
        kiosks_of[position[kiosk.unit_id]].append(kiosk.id)
    service_id = np.empty(n, dtype=np.int64)
    kiosk_id = np.empty(n, dtype=np.int64)
    channel = np.empty(n, dtype="<U5")
    start = 0
    for u, count in enumerate(per_unit):
        end = start + count
        service_weights = 1 / np.arange(1, len(services_of[u]) + 1)  # a few services take most visits
        service_id[start:end] = rng.choice(services_of[u], size=count, p=service_weights / service_weights.sum())
        kiosk_share = rng.uniform(0.45, 0.85)
        qr_share = rng.uniform(0.05, 0.9 - kiosk_share)
        channel[start:end] = rng.choice(CHANNELS, size=count, p=[kiosk_share, qr_share, 1 - kiosk_share - qr_share])
        kiosk_id[start:end] = rng.choice(kiosks_of[u], size=count)
        start = end

    answered = _answered_at(size, rng, quarters, zone)
    paper = channel == "paper"
    received = answered + np.where(paper, rng.integers(86_400, 10 * 86_400, n), rng.integers(1, 120, n))
    quality = np.clip(rng.normal(3.2, 0.18, unit_count), 2.6, 3.7)
    element_offset = rng.normal(0, 0.15, len(element_ids))
    element_offset[3] += 0.4  # biaya: most services are free
    values = np.clip(np.rint(quality[unit_index][:, None] + element_offset[None, :]
                             + rng.normal(0, 0.55, (n, len(element_ids)))), 1, 4).astype(np.int8)
    values[paper[:, None] & (rng.random(values.shape) < 0.01)] = 0  # a blank on a paper sheet
    blank = paper & (rng.random(n) < 0.05)  # a paper sheet without the profile
    repeat = (channel == "qr") & (rng.random(n) < 0.015)
    excluded = repeat & (rng.random(n) < 0.6)
    suggestion = np.where(rng.random(n) < 0.12, rng.integers(0, len(SUGGESTIONS), n), len(SUGGESTIONS))
    respondent_types = np.array([unit.respondent_type for unit in units])
    unit_ids = np.array([unit.id for unit in units])

    # Ids follow the time of answering, as they would in a live system.
    o = np.argsort(answered, kind="stable")
    null = "\\N"
    # Column texts, in the order of the ids; turned into lines a chunk at a time.
    columns = {
        "id": np.arange(1, n + 1),
        "key": np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16),
        "unit_id": unit_ids[unit_index[o]],
        "service_id": service_id[o],
        "questionnaire_id": np.full(n, questionnaire_id),
        "channel": channel[o],
        "kiosk_id": np.where(channel[o] == "kiosk", kiosk_id[o].astype(str), null),
        "answered_at": answered[o],
        "received_at": received[o],
        "gender": np.where(blank[o], "", rng.choice(GENDERS, size=n, p=GENDER_P)),
        "age": np.where(blank[o], null, np.clip(np.rint(rng.normal(38, 13, n)), 17, 80).astype(np.int64).astype(str)),
        "education": np.where(blank[o], "", rng.choice(EDUCATIONS, size=n, p=EDUCATION_P)),
        "occupation": np.where(blank[o], "", rng.choice(OCCUPATIONS, size=n, p=OCCUPATION_P)),
        "respondent_type": respondent_types[unit_index[o]],
        "suggestion": np.array([*SUGGESTIONS, ""])[suggestion[o]],
        "suspected_repeat": np.where(repeat[o], "t", "f"),
        "flag": np.full(n, ""),
        "assisted": np.full(n, "f"),
        "suggestion_elements": np.full(n, ""),
        "suggestion_tone": np.full(n, ""),
        "excluded_at": np.where(excluded[o], answered[o] + 3 * 86_400, -1),
        "excluded_by_id": np.where(excluded[o], str(admin.id), null),
    }
    values = values[o]
    log(f"generated {n:,} responses in {time.perf_counter() - started:.1f} s")

    def text(name, part):
        if name == "key":
            digits = part.tobytes().hex()
            return [digits[32 * i:32 * i + 32] for i in range(len(part))]
        if name in {"answered_at", "received_at"}:
            return _timestamps(part)
        if name == "excluded_at":
            return [null if seconds < 0 else stamp for seconds, stamp in zip(part.tolist(), _timestamps(part))]
        return part.astype(str).tolist()

    chunk = 50_000
    tables = ["surveys_response", "surveys_answer", *TALLY_TABLES]
    with connection.cursor() as cursor, _plain_indexes_deferred(cursor, tables):
        # The generated rows (and the tallies counted from them) are consistent by construction; skipping
        # the per-row foreign key triggers saves minutes. Unique and check constraints still apply, and
        # answers without their response are counted below.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET work_mem = '256MB'")  # this session only: the tally GROUP BY stays in memory
        names = sql.SQL(", ").join(map(sql.Identifier, columns))
        with cursor.copy(sql.SQL("COPY surveys_response ({}) FROM STDIN").format(names)) as copy:
            for a in range(0, n, chunk):
                rows = zip(*(text(name, column[a:a + chunk]) for name, column in columns.items()))
                copy.write("\n".join(map("\t".join, rows)) + "\n")
        log(f"copied responses at {time.perf_counter() - started:.1f} s")
        elements = np.array(element_ids)
        with cursor.copy("COPY surveys_answer (response_id, element_id, value) FROM STDIN") as copy:
            for a in range(0, n, chunk):
                block = values[a:a + chunk]
                given = block.ravel() != 0
                rows = zip(np.repeat(np.arange(a + 1, a + 1 + len(block)), len(elements))[given].tolist(),
                           np.tile(elements, len(block))[given].tolist(), block.ravel()[given].tolist())
                copy.write("".join(f"{r}\t{e}\t{v}\n" for r, e, v in rows))
        log(f"copied answers at {time.perf_counter() - started:.1f} s")
        cursor.execute("SELECT setval(pg_get_serial_sequence('surveys_response', 'id'), %s)", [n])
        orphans = cursor.execute("SELECT count(*) FROM surveys_answer a LEFT JOIN surveys_response r "
                                 "ON r.id = a.response_id WHERE r.id IS NULL").fetchone()[0]
        if orphans:
            raise RuntimeError(f"{orphans} answers without their response after loading")
        tallies_count(cursor, zone=settings.TIME_ZONE)
        log(f"counted tallies at {time.perf_counter() - started:.1f} s")
    log(f"indexed at {time.perf_counter() - started:.1f} s")
    connection.execute("SET session_replication_role = DEFAULT")
    connection.commit()
    _populations(units, unit_index[o], answered[o], quarters, zone, rng)
    vacuum_analyze(connection)
    log(f"vacuumed at {time.perf_counter() - started:.1f} s")
    return World(region_id=region.id, region_code=region.code, region_admin_id=admin.id,
                 unit_ids=[unit.id for unit in units], big_unit_id=units[0].id, quarters=quarters,
                 responses=n, responses_counted=int(n - excluded.sum()),
                 big_unit_counted=int(per_unit[0] - excluded[unit_index == 0].sum()), units_by_size=[units[u].id for u in np.argsort(-per_unit, kind="stable")])


@contextmanager
def _plain_indexes_deferred(cursor, tables: list[str]):
    """Drop the tables' indexes that back no constraint and build them again afterwards with the same
    definitions: building an index once is much faster than updating it for every loaded row."""
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
        "WHERE indrelid = ANY(%s::regclass[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [tables])
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
    yield
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for _name, definition in indexes:
        cursor.execute(definition)


TALLY_TABLES = ["surveys_responsetally", "surveys_elementtally", "surveys_responsemonthtally",
                "surveys_elementmonthtally", "surveys_profilemonthtally"]


def tallies_count(cursor, *, zone: str) -> None:
    """The tallies as surveys.tallies keeps them: counts of the counted (not excluded) responses and their
    answers per unit, service, questionnaire, local day and channel; their sums per month; the profile answers
    per unit and month."""
    from surveys import official

    cursor.execute(
        "INSERT INTO surveys_responsetally (unit_id, service_id, questionnaire_id, day, channel, count, assisted, "
        "with_suggestion) "
        "SELECT unit_id, service_id, questionnaire_id, (answered_at AT TIME ZONE %(zone)s)::date, channel, "
        "count(*), count(*) FILTER (WHERE assisted), count(*) FILTER (WHERE suggestion <> '') "
        "FROM surveys_response WHERE excluded_at IS NULL GROUP BY 1, 2, 3, 4, 5", {"zone": zone})
    cursor.execute(
        "INSERT INTO surveys_elementtally (unit_id, service_id, questionnaire_id, day, channel, element_id, "
        "value, count) "
        "SELECT r.unit_id, r.service_id, r.questionnaire_id, (r.answered_at AT TIME ZONE %(zone)s)::date, "
        "r.channel, a.element_id, a.value, count(*) "
        "FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
        "WHERE r.excluded_at IS NULL GROUP BY 1, 2, 3, 4, 5, 6, 7", {"zone": zone})
    cursor.execute(
        "INSERT INTO surveys_responsemonthtally (unit_id, service_id, questionnaire_id, month, channel, count, "
        "assisted, with_suggestion) "
        "SELECT unit_id, service_id, questionnaire_id, date_trunc('month', day)::date, channel, sum(count), "
        "sum(assisted), sum(with_suggestion) "
        "FROM surveys_responsetally GROUP BY 1, 2, 3, 4, 5")
    cursor.execute(
        "INSERT INTO surveys_elementmonthtally (unit_id, questionnaire_id, month, element_id, count_1, count_2, "
        "count_3, count_4) "
        "SELECT unit_id, questionnaire_id, date_trunc('month', day)::date, element_id, "
        + ", ".join(f"coalesce(sum(count) FILTER (WHERE value = {value}), 0)" for value in (1, 2, 3, 4)) + " "
        "FROM surveys_elementtally GROUP BY 1, 2, 3, 4")
    bands = " ".join(f"WHEN age >= {low} THEN '{label}'" for low, label in reversed(official.AGE_BANDS))
    cursor.execute(
        "INSERT INTO surveys_profilemonthtally (unit_id, month, question, answer, count) "
        "SELECT unit_id, date_trunc('month', (answered_at AT TIME ZONE %(zone)s)::date)::date, question, answer, "
        "count(*) FROM surveys_response, LATERAL (VALUES ('gender', gender), "
        f"('age', CASE {bands} ELSE '' END), ('education', education), ('occupation', occupation)) "
        "AS profile (question, answer) WHERE excluded_at IS NULL GROUP BY 1, 2, 3, 4", {"zone": zone})


def tallies_compare(cursor, *, unit_ids: list[int], zone: str) -> int:
    """How many tally rows of the units differ from a recount of their raw rows (both ways), in SQL."""
    raw_responses = ("SELECT unit_id, service_id, questionnaire_id, (answered_at AT TIME ZONE %(zone)s)::date, "
                     "channel, count(*), count(*) FILTER (WHERE assisted), count(*) FILTER (WHERE suggestion <> '') "
                     "FROM surveys_response WHERE excluded_at IS NULL AND unit_id = ANY(%(units)s) "
                     "GROUP BY 1, 2, 3, 4, 5")
    kept_responses = ("SELECT unit_id, service_id, questionnaire_id, day, channel, count, assisted, with_suggestion "
                      "FROM surveys_responsetally "
                      "WHERE count <> 0 AND unit_id = ANY(%(units)s)")
    raw_elements = ("SELECT r.unit_id, r.service_id, r.questionnaire_id, (r.answered_at AT TIME ZONE %(zone)s)::date, "
                    "r.channel, a.element_id, a.value, count(*) FROM surveys_answer a "
                    "JOIN surveys_response r ON r.id = a.response_id "
                    "WHERE r.excluded_at IS NULL AND r.unit_id = ANY(%(units)s) GROUP BY 1, 2, 3, 4, 5, 6, 7")
    kept_elements = ("SELECT unit_id, service_id, questionnaire_id, day, channel, element_id, value, count "
                     "FROM surveys_elementtally WHERE count <> 0 AND unit_id = ANY(%(units)s)")
    # The element month rows against the day-level rows they sum (as surveys.tallies.tallies_differences does).
    value_sums = [f"coalesce(sum(count) FILTER (WHERE value = {value}), 0)" for value in (1, 2, 3, 4)]
    summed_months = (f"SELECT unit_id, questionnaire_id, date_trunc('month', day)::date, element_id, "
                     f"{', '.join(value_sums)} FROM surveys_elementtally WHERE unit_id = ANY(%(units)s) "
                     f"GROUP BY 1, 2, 3, 4 HAVING ({', '.join(value_sums)}) <> (0, 0, 0, 0)")
    kept_months = ("SELECT unit_id, questionnaire_id, month, element_id, count_1, count_2, count_3, count_4 "
                   "FROM surveys_elementmonthtally WHERE (count_1, count_2, count_3, count_4) <> (0, 0, 0, 0) "
                   "AND unit_id = ANY(%(units)s)")
    differing = 0
    for raw, kept in ((raw_responses, kept_responses), (raw_elements, kept_elements), (summed_months, kept_months)):
        cursor.execute(f"SELECT count(*) FROM (({raw} EXCEPT ALL {kept}) UNION ALL ({kept} EXCEPT ALL {raw})) d",
                       {"zone": zone, "units": list(unit_ids)})
        differing += cursor.fetchone()[0]
    return differing


def _populations(units, unit_index, answered, quarters, zone, rng) -> None:
    """Service users per unit and quarter: a few to a dozen times the respondents."""
    from agencies.models import Population

    rows = []
    for q, period in enumerate(quarters):
        start = datetime(period.start.year, period.start.month, period.start.day, tzinfo=zone).timestamp()
        end = datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=zone).timestamp()
        counts = np.bincount(unit_index[(answered >= start) & (answered < end)], minlength=len(units))
        rows += [Population(unit=unit, year=period.year, quarter=period.number,
                            service_users=int(max(30, counts[i] * rng.uniform(3, 12))))
                 for i, unit in enumerate(units)]
    Population.objects.bulk_create(rows)


def vacuum_analyze(connection) -> None:
    """What autovacuum would have done to tables this size: statistics and the visibility map."""
    connection.autocommit = True
    try:
        for table in ("surveys_response", "surveys_answer", *TALLY_TABLES):
            connection.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
    finally:
        connection.autocommit = False
