"""Register a kiosk for a unit and print its link and token, e.g. to provision many tablets by script."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.models import ServiceUnit
from surveys.kiosk import kiosk_create, kiosk_link
from surveys.models import KioskMode


class Command(BaseCommand):
    help = ('Register a kiosk: kiosk_create UNIT_CODE "Tablet loket 1" [--mode survey|pulse] '
            '[--base-url https://skm.example.go.id]')

    def add_arguments(self, parser):
        parser.add_argument("unit_code")
        parser.add_argument("name")
        parser.add_argument("--base-url", default=getattr(settings, "SKM_BASE_URL", "http://127.0.0.1:8000"),
                            help="the address the tablet opens (default: %(default)s)")
        parser.add_argument("--mode", choices=KioskMode.values, default=KioskMode.SURVEY,
                            help="full survey, or the daily pulse of docs/pulse.md (default: %(default)s)")

    def handle(self, *args, unit_code, name, base_url, mode, **options):
        unit = ServiceUnit.objects.filter(code=unit_code).first()
        if unit is None:
            raise CommandError(f"No service unit with code {unit_code!r}.")
        if not name.strip() or len(name.strip()) > 100:
            raise CommandError("The kiosk name must be 1 to 100 characters.")
        kiosk, token = kiosk_create(unit=unit, name=name, mode=mode)
        self.stdout.write(f"kiosk: {kiosk.name} ({unit.code}), mode {kiosk.mode}")
        self.stdout.write(f"link: {kiosk_link(base_url=base_url, token=token)}")
        if kiosk.mode == KioskMode.PULSE:
            self.stdout.write(f"wall display: {base_url.rstrip('/')}/denyut/layar/#{token}")
        self.stdout.write(f"token: {token}")
