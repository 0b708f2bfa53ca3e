"""The monev part of the demo: Kota Sukamaju's checklist for this year and a few recorded visits, so the recap
has findings to show. Drawn from `random.Random` seeded with the demo's seed, so a seed gives the same data."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.demo import KIOSK_UNIT, REGION_CODE
from agencies.models import Agency, Region
from monev.models import PublicationMedium, Status
from monev.selectors import region_units
from monev.services import assessment_record, checklist_ensure, medium_record
from reports.periods import Period

VISITED_UNITS = 3
# Chances of each finding on a visit: most items met, some partly, a few not.
FINDINGS = ((Status.MET, 0.6), (Status.PARTLY, 0.25), (Status.NOT_MET, 0.15))
EVALUATOR = "bagor"


@transaction.atomic
def monev_demo_seed(*, seed: int, today: date | None = None) -> int:
    """Record visits to a few units of the demo region (not the demo operator's own unit, left for a visit in
    the demo); returns the number of findings recorded."""
    today = today or timezone.localdate()
    region = Region.objects.get(code=REGION_CODE)
    items = [item for item in checklist_ensure(region=region, year=today.year) if not item.is_automatic]
    rng = random.Random(f"{seed}:monev")
    candidates = [unit for unit in region_units(region) if unit.code != KIOSK_UNIT]
    evaluator = get_user_model().objects.filter(username=EVALUATOR).first()
    statuses, weights = zip(*FINDINGS, strict=True)
    recorded = 0
    for unit in rng.sample(candidates, min(VISITED_UNITS, len(candidates))):
        visited_on = max(date(today.year, 1, 1), today - timedelta(days=rng.randint(1, 60)))
        for item in sorted(items, key=lambda item: item.position):
            status = rng.choices(statuses, weights)[0]
            note = "" if status == Status.MET else "Perlu dilengkapi sebelum kunjungan berikutnya."
            assessment_record(unit=unit, item=item, status=status, note=note, visited_on=visited_on, by=evaluator)
            recorded += 1
    return recorded


@transaction.atomic
def media_demo_seed(*, today: date | None = None) -> list[PublicationMedium]:
    """Where the demo region published its last complete quarter's results: its website, and the health
    office's social media post a few days later, so the register and its indicators have something to show."""
    today = today or timezone.localdate()
    region = Region.objects.get(code=REGION_CODE)
    quarter = Period.containing(today).previous()
    published_on = min(quarter.end + timedelta(days=14), today - timedelta(days=1))
    by = get_user_model().objects.filter(username=EVALUATOR).first()
    return [
        medium_record(scope=region, period=quarter, kind=PublicationMedium.Kind.WEBSITE,
                      name="Laman resmi Pemerintah Kota Sukamaju", published_on=published_on,
                      url=f"https://sukamaju.example/skm/{quarter.slug}", by=by),
        medium_record(scope=Agency.objects.get(region=region, code="dinkes"), period=quarter,
                      kind=PublicationMedium.Kind.SOCIAL, name="Instagram Dinas Kesehatan",
                      published_on=min(published_on + timedelta(days=3), today - timedelta(days=1)),
                      url="https://instagram.example/dinkes.sukamaju", by=by),
    ]
