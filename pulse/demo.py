"""The demo's pulse kiosk: a tablet in the Disdukcapil waiting room with a published token, and two weeks of
taps before today (reproducible for a seed), so the board and the wall display have something to show."""

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from agencies.models import ServiceUnit
from pulse.models import PulseAnswer
from pulse.services import pulse_day
from surveys.models import Kiosk, KioskMode

PULSE_TOKEN = "demo-pulse-sukamaju"
PULSE_UNIT = "disdukcapil-loket"
PULSE_KIOSK_NAME = "Tablet denyut ruang tunggu"
PULSE_DAYS = 14
# Mostly satisfied, as the demo's SKM results are: Sangat tidak puas .. Sangat puas.
PULSE_WEIGHTS = (4, 11, 52, 33)


def pulse_demo_seed(*, seed: int = 2026, today: date | None = None, token: str = PULSE_TOKEN) -> int:
    """Create the demo pulse kiosk and its answers on the working days before today; returns their number."""
    today = today or timezone.localdate()
    unit = ServiceUnit.objects.get(code=PULSE_UNIT)
    kiosk = Kiosk(unit=unit, name=PULSE_KIOSK_NAME, mode=KioskMode.PULSE)
    kiosk.set_token(token)
    kiosk.save()
    rng = random.Random(f"pulse-{seed}")
    answers = []
    for offset in range(PULSE_DAYS, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        opening = timezone.make_aware(datetime.combine(day, time(8, 0)))
        for _ in range(rng.randint(20, 55)):
            answered_at = opening + timedelta(seconds=rng.randrange(7 * 3600))
            answers.append(PulseAnswer(
                unit=unit, kiosk=kiosk, key=uuid.UUID(int=rng.getrandbits(128), version=4),
                value=rng.choices((1, 2, 3, 4), weights=PULSE_WEIGHTS)[0], answered_at=answered_at,
                day=pulse_day(answered_at)))
    PulseAnswer.objects.bulk_create(answers)
    return len(answers)
