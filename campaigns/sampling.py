"""Drawing the participating units of a campaign, e.g. "two kelurahan per kecamatan".

Plain Python, no database: the caller passes the candidates. The draw is reproducible: the same candidates,
number per group and seed always give the same units, whatever order the candidates came in."""

import random
from collections.abc import Iterable
from dataclasses import dataclass

SEED_LIMIT = 1_000_000  # seeds are short numbers a person can copy into a report


@dataclass(frozen=True)
class Candidate:
    code: str  # the unit's code
    group: str  # the group it is drawn in, e.g. the code of its kelurahan's kecamatan


class GroupTooSmall(ValueError):
    def __init__(self, group: str, available: int, wanted: int):
        super().__init__(f"group {group!r} has {available} candidates, {wanted} wanted")
        self.group, self.available, self.wanted = group, available, wanted


def seed_new() -> int:
    """A fresh seed for a draw whose organiser gave none; it is stored so the draw can be repeated."""
    return random.SystemRandom().randrange(1, SEED_LIMIT)


def draw_per_group(candidates: Iterable[Candidate], *, per_group: int, seed: int) -> list[str]:
    """`per_group` candidates drawn from each group, as sorted unit codes.

    random.Random(seed) draws group after group (groups in code order), each from its candidates sorted by
    code. Raises GroupTooSmall for the first group with fewer candidates than `per_group`."""
    if per_group < 1:
        raise ValueError("draw at least one unit per group")
    groups: dict[str, list[str]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.group, []).append(candidate.code)
    rng = random.Random(seed)
    drawn = []
    for group in sorted(groups):
        members = sorted(set(groups[group]))
        if len(members) < per_group:
            raise GroupTooSmall(group, len(members), per_group)
        drawn += rng.sample(members, per_group)
    return sorted(drawn)
