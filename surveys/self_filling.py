"""Self-filling patterns (docs/integrity.md): a daily job marks suspect responses for staff review.

Each rule reads the stored responses of a window of local days and returns groups of response ids sharing
one pattern; nothing is excluded here: a group waits for a staff decision (surveys.services.flag_group_decide).
Responses that already carry a flag are left alone, so running the job twice over the same data flags
nothing new, and the same data always gives the same groups.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Length, Lower, Trim
from django.utils import timezone

from agencies.models import ServiceUnit
from surveys.data_versions import units_data_changed
from surveys.models import Answer, Channel, Flag, FlagGroup, Kiosk, Response

# A run of this many identical answer vectors in a row from one kiosk, each within RUN_GAP of the previous.
RUN_LENGTH = 5
RUN_GAP = timedelta(minutes=10)
# A kiosk's share of all-4 (or all-1) answers is "far above" its unit's norm when it exceeds the norm by
# SHARE_MARGIN and is at least SHARE_FACTOR times it, over at least SHARE_MIN answers on both sides.
SHARE_MARGIN = 0.30
SHARE_FACTOR = 2
SHARE_MIN = 30
# The same suggestion (compared trimmed, in lower case, at least SUGGESTION_MIN characters) SUGGESTION_TIMES
# times or more in one unit within SUGGESTION_SPAN.
SUGGESTION_MIN = 15
SUGGESTION_TIMES = 3
SUGGESTION_SPAN = timedelta(hours=1)
# A burst: BURST_SIZE or more answers each within BURST_GAP of the previous, after SILENCE without any, on a
# kiosk that was online (each answer reached the server within ONLINE_DELAY of being given).
BURST_SIZE = 10
BURST_GAP = timedelta(seconds=90)
SILENCE = timedelta(hours=2)
ONLINE_DELAY = timedelta(minutes=5)


@dataclass
class Found:
    unit_id: int
    reason: str
    pattern: str
    response_ids: list[int] = field(default_factory=list)


def _window(since: date, until: date):
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(since, time.min), zone),
            timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min), zone))


def _unflagged(since: date, until: date):
    start, end = _window(since, until)
    return Response.objects.filter(answered_at__gte=start, answered_at__lt=end, flag="", excluded_at__isnull=True)


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def outside_hours(since: date, until: date) -> list[Found]:
    """Kiosk answers given outside the unit's service days and hours, grouped per kiosk and local day."""
    found: dict[tuple, Found] = {}
    units = {unit.id: unit for unit in ServiceUnit.objects.filter(kiosks__isnull=False).distinct()}
    names = dict(Kiosk.objects.values_list("id", "name"))
    rows = (_unflagged(since, until).filter(channel=Channel.KIOSK, kiosk__isnull=False)
            .order_by("answered_at").values_list("id", "unit_id", "kiosk_id", "answered_at"))
    for response_id, unit_id, kiosk_id, answered_at in rows:
        unit, local = units[unit_id], _local(answered_at)
        open_day = str(local.isoweekday()) in unit.service_days
        if open_day and unit.service_opens <= local.time() < unit.service_closes:
            continue
        group = found.setdefault((kiosk_id, local.date()), Found(
            unit_id, Flag.OUTSIDE_HOURS, f"{names.get(kiosk_id, '?')} · {local:%Y-%m-%d} "
            f"(jam layanan {unit.service_opens:%H:%M}-{unit.service_closes:%H:%M}, hari {unit.service_days})"))
        group.response_ids.append(response_id)
    return list(found.values())


def _vectors(response_ids) -> dict[int, tuple]:
    vectors = defaultdict(list)
    for response_id, position, value in (Answer.objects.filter(response_id__in=response_ids)
                                         .order_by("response_id", "element__position")
                                         .values_list("response_id", "element__position", "value")):
        vectors[response_id].append(value)
    return {response_id: tuple(values) for response_id, values in vectors.items()}


def _kiosk_sequences(since: date, until: date):
    """Per kiosk, its unflagged answers in order of answering: (id, unit, answered_at, received_at)."""
    sequences = defaultdict(list)
    rows = (_unflagged(since, until).filter(channel=Channel.KIOSK, kiosk__isnull=False)
            .order_by("kiosk_id", "answered_at", "id")
            .values_list("kiosk_id", "id", "unit_id", "answered_at", "received_at"))
    for kiosk_id, *row in rows:
        sequences[kiosk_id].append(row)
    return sequences


def identical_runs(since: date, until: date) -> list[Found]:
    names = dict(Kiosk.objects.values_list("id", "name"))
    found = []
    for kiosk_id, sequence in _kiosk_sequences(since, until).items():
        vectors = _vectors([row[0] for row in sequence])
        run: list = []
        for row in [*sequence, None]:
            if row and run and vectors.get(row[0]) == vectors.get(run[-1][0]) and row[2] - run[-1][2] <= RUN_GAP:
                run.append(row)
                continue
            if len(run) >= RUN_LENGTH:
                first, last = _local(run[0][2]), _local(run[-1][2])
                found.append(Found(run[0][1], Flag.IDENTICAL_RUN,
                                   f"{names.get(kiosk_id, '?')} · {len(run)}× "
                                   f"{''.join(map(str, vectors.get(run[0][0], ())))} · "
                                   f"{first:%Y-%m-%d %H:%M}-{last:%H:%M}", [r[0] for r in run]))
            run = [row] if row else []
    return found


def bursts_after_silence(since: date, until: date) -> list[Found]:
    names = dict(Kiosk.objects.values_list("id", "name"))
    found = []
    for kiosk_id, sequence in _kiosk_sequences(since, until).items():
        start = 0
        for index in range(1, len(sequence) + 1):
            if index < len(sequence) and sequence[index][2] - sequence[index - 1][2] <= BURST_GAP:
                continue
            burst = sequence[start:index]
            before = sequence[start - 1][2] if start else None
            silent = before is None or burst[0][2] - before >= SILENCE
            online = all(row[3] - row[2] <= ONLINE_DELAY for row in burst)
            if len(burst) >= BURST_SIZE and silent and online and before is not None:
                first, last = _local(burst[0][2]), _local(burst[-1][2])
                quiet = (burst[0][2] - before).total_seconds() / 3600
                found.append(Found(burst[0][1], Flag.BURST_AFTER_SILENCE,
                                   f"{names.get(kiosk_id, '?')} · {len(burst)} isian {first:%Y-%m-%d %H:%M}-"
                                   f"{last:%H:%M} setelah {quiet:.1f} jam sepi", [row[0] for row in burst]))
            start = index
    return found


def uniform_shares(since: date, until: date) -> list[Found]:
    """Kiosks whose share of all-4 (or all-1) answers is far above the rest of their unit (or, when the unit
    has too few other answers, the rest of the region)."""
    start, end = _window(since, until)
    names = dict(Kiosk.objects.values_list("id", "name"))
    found = []
    for value in (4, 1):
        # Every answer of the response has this value (a response always has answers).
        uniform = ~Exists(Answer.objects.filter(response_id=OuterRef("pk")).exclude(value=value))
        answered = (Response.objects.filter(answered_at__gte=start, answered_at__lt=end, excluded_at__isnull=True)
                    .annotate(uniform=uniform))
        per_source = {(row["unit_id"], row["kiosk_id"]): (row["n"], row["u"]) for row in
                      answered.values("unit_id", "kiosk_id")
                      .annotate(n=Count("id"), u=Count("id", filter=Q(uniform=True))).order_by()}
        units = defaultdict(lambda: [0, 0])
        region = [0, 0]
        for (unit_id, _kiosk), (n, u) in per_source.items():
            units[unit_id][0] += n
            units[unit_id][1] += u
            region[0] += n
            region[1] += u
        for (unit_id, kiosk_id), (n, u) in sorted(per_source.items(), key=str):
            if kiosk_id is None or n < SHARE_MIN:
                continue
            rest = (units[unit_id][0] - n, units[unit_id][1] - u)
            if rest[0] < SHARE_MIN:
                rest = (region[0] - n, region[1] - u)
            if rest[0] < SHARE_MIN:
                continue
            share, norm = u / n, rest[1] / rest[0]
            if share >= norm + SHARE_MARGIN and share >= SHARE_FACTOR * norm:
                ids = list(_unflagged(since, until).filter(kiosk_id=kiosk_id).annotate(uniform=uniform)
                           .filter(uniform=True).order_by("answered_at").values_list("id", flat=True))
                if ids:
                    found.append(Found(unit_id, Flag.UNIFORM_SHARE,
                                       f"{names.get(kiosk_id, '?')} · {share:.0%} semua {value} "
                                       f"(norma {norm:.0%}) · {since}..{until}", ids))
    return found


def repeated_suggestions(since: date, until: date) -> list[Found]:
    texts = (_unflagged(since, until).annotate(text=Lower(Trim("suggestion")))
             .annotate(size=Length("text")).filter(size__gte=SUGGESTION_MIN)
             .values("unit_id", "text").annotate(n=Count("id")).filter(n__gte=SUGGESTION_TIMES).order_by())
    found = []
    for row in texts:
        rows = list(_unflagged(since, until).filter(unit_id=row["unit_id"]).annotate(text=Lower(Trim("suggestion")))
                    .filter(text=row["text"]).order_by("answered_at").values_list("id", "answered_at"))
        # Only those that come SUGGESTION_TIMES or more within SUGGESTION_SPAN of each other.
        ids = set()
        for index in range(len(rows) - SUGGESTION_TIMES + 1):
            window = rows[index:index + SUGGESTION_TIMES]
            if window[-1][1] - window[0][1] <= SUGGESTION_SPAN:
                ids |= {response_id for response_id, _at in window}
        if ids:
            found.append(Found(row["unit_id"], Flag.REPEATED_SUGGESTION, f"“{row['text'][:180]}” × {len(ids)}",
                               sorted(ids)))
    return found


RULES = (outside_hours, identical_runs, bursts_after_silence, uniform_shares, repeated_suggestions)


def self_filling_detect(*, since: date, until: date, store: bool = True) -> list[Found]:
    """Run every rule over the local days since..until; store each new group (a response joins the first group
    that finds it). Returns what was found."""
    taken: set[int] = set()
    stored = []
    for rule in RULES:
        for group in rule(since, until):
            group.response_ids = [response_id for response_id in group.response_ids if response_id not in taken]
            if not group.response_ids:
                continue
            taken |= set(group.response_ids)
            stored.append(group)
    if store:
        with transaction.atomic():
            for group in stored:
                flag_group = FlagGroup.objects.create(unit_id=group.unit_id, reason=group.reason,
                                                      pattern=group.pattern[:255])
                Response.objects.filter(pk__in=group.response_ids, flag="").update(flag=group.reason,
                                                                                  flag_group=flag_group)
            units_data_changed(unit_ids={group.unit_id for group in stored})
    return stored
