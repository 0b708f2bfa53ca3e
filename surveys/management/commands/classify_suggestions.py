"""Tag suggestions the way the server does when they arrive: personal data removed, then elements and tone."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.redaction import personal_data_redact
from surveys.themes import OTHER, Themes, Tone, suggestion_classify

EXIT_USAGE = 2  # unreadable path or not UTF-8 text


class Command(BaseCommand):
    help = ('Read one suggestion per line of FILE and print one JSON object per line: '
            '{"text": <redacted text>, "elements": ["U3"], "tone": "keluhan"}.')

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}", returncode=EXIT_USAGE) from None
        except UnicodeDecodeError as error:
            line = file.read_bytes()[:error.start].count(b"\n") + 1
            raise CommandError(f"{file}: line {line} is not UTF-8 text", returncode=EXIT_USAGE) from None
        for line in text.splitlines():
            redacted = personal_data_redact(line.strip())
            # A blank line stays in the output, so line N of the output answers line N of the file.
            themes = suggestion_classify(redacted) or Themes((OTHER,), str(Tone.NEUTRAL))
            self.stdout.write(json.dumps({"text": redacted, "elements": list(themes.elements), "tone": themes.tone},
                                         ensure_ascii=False))
