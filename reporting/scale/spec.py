"""What a scale data set holds: the counts asked for and the calendar it covers."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

import jdatetime

DEFAULT_PROVINCE = "اصفهان"


@dataclass(frozen=True)
class ScaleSpec:
    """Counts of a data set. ``provinces`` is None for the default province only, else every province."""

    national: bool
    centers_per_province: int
    donors_per_province: int
    contributions_per_province: int
    households_per_province: int
    seed: int
    until: datetime.date  # the last day with data (inclusive)

    @classmethod
    def build(cls, *, national: bool = False, scale: float = 1.0, seed: int = 1,
              until: datetime.date | None = None) -> ScaleSpec:
        if national:
            base = (40, 5_000, 40_000, 2_500)
        else:
            base = (500, 200_000, 2_000_000, 100_000)
        centers, donors, contributions, households = (max(2, round(n * scale)) for n in base)
        return cls(national=national, centers_per_province=centers, donors_per_province=donors,
                   contributions_per_province=contributions, households_per_province=households, seed=seed,
                   until=until or datetime.date.today())  # noqa: DTZ011 - a calendar day is what is meant

    @property
    def start(self) -> datetime.date:
        """1 Farvardin two Jalali years before ``until``'s year: three Jalali years (the last one partly)."""
        jy = jdatetime.date.fromgregorian(date=self.until).year
        return jdatetime.date(jy - 2, 1, 1).togregorian()

    def as_dict(self) -> dict:
        data = asdict(self)
        data["until"] = self.until.isoformat()
        data["start"] = self.start.isoformat()
        return data
