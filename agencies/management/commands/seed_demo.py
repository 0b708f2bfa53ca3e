import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from agencies import demo
from agencies.models import Region
from campaigns.demo import demo_campaign_seed
from monev.demo import media_demo_seed, monev_demo_seed
from pulse.demo import PULSE_TOKEN, PULSE_UNIT, pulse_demo_seed


def positive(text):
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (f"Build the demo Pemda {demo.REGION_NAME}: agencies, units, staff (password {demo.PASSWORD} in "
            "development; generated under production settings), "
            "a kiosk and four quarters of survey responses.")

    def add_arguments(self, parser):
        parser.add_argument("--responses", type=positive, default=6000, help="number of responses (default 6000)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed; a seed gives the same data")
        parser.add_argument("--if-empty", action="store_true",
                            help=f"do nothing when {demo.REGION_NAME} already exists")
        parser.add_argument("--allow-production-demo", action="store_true",
                            help="build the demo under production settings, with generated passwords and kiosk "
                                 "tokens printed once (never the published ones)")

    def handle(self, *args, responses, seed, if_empty, allow_production_demo, **options):
        production = getattr(settings, "SKM_PRODUCTION", False) and not settings.DEBUG
        if production and not allow_production_demo:
            raise CommandError(
                "seed_demo refuses to run under production settings: the demo's password and kiosk tokens are "
                "published in the README. Use a development install (DEBUG=1), or pass --allow-production-demo "
                "to build the demo with generated passwords and tokens, printed once.")
        if Region.objects.filter(code=demo.REGION_CODE).exists():
            if if_empty:
                self.stdout.write(f"{demo.REGION_NAME} already exists; demo data left as it is.")
                return
            raise CommandError(f"{demo.REGION_NAME} (code {demo.REGION_CODE}) already exists; "
                               "use --if-empty, or start from an empty database.")
        # Under production settings nothing published is ever stored: every secret is new and shown only here.
        passwords = {user.username: secrets.token_urlsafe(12) for user in demo.DEMO_USERS} if production else {}
        kiosk_token = secrets.token_urlsafe(32) if production else demo.KIOSK_TOKEN
        pulse_token = secrets.token_urlsafe(32) if production else PULSE_TOKEN
        try:
            summary = demo.demo_seed(responses=responses, seed=seed, passwords=passwords, kiosk_token=kiosk_token)
            demo_campaign_seed(region=summary.region, seed=seed)
            pulse_demo_seed(seed=seed, token=pulse_token)
            monev_demo_seed(seed=seed)
            media_demo_seed()
        except IntegrityError as error:  # e.g. an agency elsewhere already uses a demo code
            raise CommandError(f"The demo could not be built, nothing was stored: {error}") from error
        self.stdout.write(
            f"{summary.region.name}: {summary.agencies} agencies, {summary.units} service units, "
            f"{summary.responses} responses ({summary.excluded} excluded as repeats) "
            f"from {summary.first_day:%d-%m-%Y} to {summary.last_day:%d-%m-%Y}, in {summary.seconds:.1f} s."
        )
        for username in summary.kept_users:
            self.stdout.write(f"User {username} already existed and was left unchanged (no demo role, "
                              "password not reset).")
        if not production:
            self.stdout.write("Logins: python manage.py demo_welcome")
            return
        self.stdout.write("Generated demo credentials, shown this once only (store them now):")
        for username, password in passwords.items():
            if username not in summary.kept_users:
                self.stdout.write(f"  {username}: {password}")
        self.stdout.write(f"  demo kiosk token ({demo.KIOSK_UNIT}): {kiosk_token}")
        self.stdout.write(f"  demo pulse kiosk token ({PULSE_UNIT}): {pulse_token}")
