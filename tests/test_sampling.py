import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.sampling import krejcie_morgan

# Every (N, S) pair of the table in SKM-SPEC.md section 5.
KREJCIE_MORGAN_TABLE = [
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40),
    (50, 44), (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70),
    (90, 73), (95, 76), (100, 80), (110, 86), (120, 92), (130, 97), (140, 103), (150, 108),
    (160, 113), (170, 118), (180, 123), (190, 127), (200, 132), (210, 136), (220, 140), (230, 144),
    (240, 148), (250, 152), (260, 155), (270, 159), (280, 162), (290, 165), (300, 169), (320, 175),
    (340, 181), (360, 186), (380, 191), (400, 196), (420, 201), (440, 205), (460, 210), (480, 214),
    (500, 217), (550, 226), (600, 234), (650, 242), (700, 248), (750, 254), (800, 260), (850, 265),
    (900, 269), (950, 274), (1000, 278), (1100, 285), (1200, 291), (1300, 297), (1400, 302),
    (1500, 306), (1600, 310), (1700, 313), (1800, 317), (1900, 320), (2000, 322), (2200, 327),
    (2400, 331), (2600, 335), (2800, 338), (3000, 341), (3500, 346), (4000, 351), (4500, 354),
    (5000, 357), (6000, 361), (7000, 364), (8000, 367), (9000, 368), (10000, 370), (15000, 375),
    (20000, 377), (30000, 379), (40000, 380), (50000, 381), (75000, 382), (1000000, 384),
]


def test_the_table_is_complete():
    assert len(KREJCIE_MORGAN_TABLE) == 90


@pytest.mark.parametrize(("population", "sample"), KREJCIE_MORGAN_TABLE)
def test_it_reproduces_the_printed_table(population, sample):
    assert krejcie_morgan(population) == sample


def test_it_needs_nobody_from_an_empty_population():
    assert krejcie_morgan(0) == 0


def test_it_needs_the_only_user_of_a_population_of_one():
    assert krejcie_morgan(1) == 1


def test_it_refuses_a_negative_population():
    with pytest.raises(ValueError, match="negative"):
        krejcie_morgan(-1)


@given(st.integers(min_value=0, max_value=10**7))
def test_it_never_asks_for_more_than_the_population_nor_more_than_384(population):
    assert 0 <= krejcie_morgan(population) <= min(population, 384)


@given(st.integers(min_value=0, max_value=10**7))
def test_it_never_asks_for_fewer_as_the_population_grows(population):
    assert krejcie_morgan(population) <= krejcie_morgan(population + 1)
