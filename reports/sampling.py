"""Minimum number of respondents, by Krejcie and Morgan (SKM-SPEC.md section 5)."""

from fractions import Fraction
from functools import lru_cache

from reports.ikm import round_half_up

CHI_SQUARE = Fraction("3.841")  # X2: chi-square, 1 degree of freedom, 95% confidence
PROPORTION = Fraction(1, 2)  # P: the proportion that needs the largest sample
MARGIN = Fraction(1, 20)  # d: a 5% margin of error


@lru_cache(maxsize=4096)  # a region's dashboard asks for hundreds of units' minimums
def krejcie_morgan(population: int) -> int:
    """S = X2 N P(1-P) / (d2 (N-1) + X2 P(1-P)), rounded half up, for N service users in the period."""
    if population < 0:
        raise ValueError(f"a population cannot be negative ({population})")
    spread = CHI_SQUARE * PROPORTION * (1 - PROPORTION)
    exact = spread * population / (MARGIN**2 * (population - 1) + spread)
    return int(round_half_up(exact, 0))
