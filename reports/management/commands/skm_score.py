"""Score a response matrix file (CSV or XLSX) and print the result as one JSON object."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.ikm import MissingAnswers, compute_ikm, round_half_up
from surveys.matrix import MatrixError, read_score_matrix
from surveys.models import Questionnaire

# Exit codes, one per kind of problem, so scripts can tell them apart.
EXIT_USAGE = 2  # unknown questionnaire, unreadable path
EXIT_FILE = 3  # empty, damaged, or neither CSV nor XLSX
EXIT_COLUMNS = 4  # missing, unknown or repeated column
EXIT_CELL = 5  # a value that is not a score 1-4
EXIT_NO_ANSWERS = 6  # an element nobody answered: no IKM


def _exit_code(problem: MatrixError) -> int:
    if problem.row is not None and problem.row > 1 and problem.column is not None:
        return EXIT_CELL
    if problem.row == 1:
        return EXIT_COLUMNS
    return EXIT_FILE


class Command(BaseCommand):
    help = "Compute NRR per element and the IKM of a response matrix (header U1..Un, one row a respondent)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--questionnaire", default="permenpan-14-2017",
                            help="questionnaire code: permenpan-14-2017 (default) or kepmenpan-25-2004")

    def handle(self, *args, file: Path, questionnaire: str, **options):
        found = Questionnaire.objects.filter(code=questionnaire).first()
        if found is None:
            codes = ", ".join(Questionnaire.objects.values_list("code", flat=True))
            raise CommandError(f"unknown questionnaire {questionnaire!r} (known: {codes})", returncode=EXIT_USAGE)
        elements = list(found.elements.order_by("position"))
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}", returncode=EXIT_USAGE) from None
        try:
            matrix = read_score_matrix(data, file.name, [element.code for element in elements])
            result = compute_ikm(matrix.totals(), found.rules)
        except MatrixError as problem:
            raise CommandError(str(problem), returncode=_exit_code(problem)) from None
        except MissingAnswers as problem:
            raise CommandError(f"column {problem.codes[0]}: {problem}; there is no IKM without it",
                               returncode=EXIT_NO_ANSWERS) from None
        self.stdout.write(json.dumps({
            "questionnaire": found.code,
            "respondents": matrix.respondents,
            "elements": [
                {"code": score.code, "name": element.name, "sum": score.sum, "count": score.count,
                 "nrr": str(round_half_up(score.nrr, 4)), "weighted_nrr": str(round_half_up(score.weighted_nrr, 4)),
                 "converted": str(score.converted), "grade": score.grade.letter}
                for element, score in zip(elements, result.elements, strict=True)
            ],
            "ikm": str(round_half_up(result.ikm, 4)),
            "ikm_converted": str(result.ikm_converted),
            "grade": result.grade.letter,
            "performance": result.grade.performance,
        }, ensure_ascii=False))
