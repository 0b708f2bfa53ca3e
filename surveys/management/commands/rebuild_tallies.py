from django.core.management.base import BaseCommand, CommandError

from surveys.tallies import tallies_differences, tallies_rebuild


class Command(BaseCommand):
    help = "Recompute the answer tallies from the raw responses; with --check, only report differences."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare only; exit non-zero on a difference")

    def handle(self, *args, check=False, **options):
        if check:
            differences = tallies_differences()
            for line in differences[:50]:
                self.stdout.write(line)
            if differences:
                raise CommandError(f"{len(differences)} tallies differ from the raw responses")
            self.stdout.write("tallies agree with the raw responses")
            return
        tallies_rebuild()
        self.stdout.write("tallies rebuilt from the raw responses")
