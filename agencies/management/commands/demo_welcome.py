from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from agencies import demo
from agencies.models import StaffRole
from pulse import demo as pulse_demo


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, role, scope, password) for every demo user."""
    rows = []
    for user in demo.DEMO_USERS:
        if user.role == demo.SUPERUSER:
            role, scope = "Superuser (Django admin)", "all regions"
        else:
            role, scope = str(StaffRole.Role(user.role).label), demo.demo_scope_name(user)
        rows.append((user.username, role, scope, demo.PASSWORD))
    return rows


class Command(BaseCommand):
    help = "Print the demo logins, the demo kiosk link and the admin address."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="where the app is served")

    def handle(self, *args, base_url, **options):
        if getattr(settings, "SKM_PRODUCTION", False) and not settings.DEBUG:
            self.stdout.write("Under production settings the demo's passwords and kiosk tokens were generated and "
                              "printed once by seed_demo --allow-production-demo; the published ones do not work.")
            return
        base = base_url.rstrip("/")
        rows = [("Username", "Role", "Scope", "Password"), *demo_logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write(f"\nDemo {demo.REGION_NAME}: staff logins at {base}{reverse('login')}\n")
        for number, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write(f"\nDemo kiosk ({demo.KIOSK_NAME}, unit {demo.KIOSK_UNIT}): {base}/kiosk/#{demo.KIOSK_TOKEN}")
        self.stdout.write(f"Demo pulse kiosk ({pulse_demo.PULSE_KIOSK_NAME}, unit {pulse_demo.PULSE_UNIT}): "
                          f"{base}/kiosk/#{pulse_demo.PULSE_TOKEN}; its wall display: "
                          f"{base}{reverse('pulse:wall')}#{pulse_demo.PULSE_TOKEN}")
        self.stdout.write(f"Django admin (superuser only): {base}{reverse('admin:index')}\n")
