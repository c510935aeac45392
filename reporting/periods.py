"""Jalali reporting periods: a month, a quarter (three Jalali months) or a year (DESIGN §7).

The fiscal year is the Jalali year. ``Period`` is the value every report, run and figure is keyed by; its string
form (``"1404-07"``, ``"1404-Q2"``, ``"1404"``) is what is stored (e.g. on a report run) and put in URLs.
Calendar arithmetic is delegated to :class:`core.jalali.JalaliPeriod` (jdatetime's 33-year rule).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.jalali import JalaliPeriod, to_jalali
from core.templatetags.fa import MONTHS, localize_digits

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
KINDS = (MONTH, QUARTER, YEAR)


def _quarter_label(q: int) -> str:
    return (
        _("first quarter of %(year)s"),
        _("second quarter of %(year)s"),
        _("third quarter of %(year)s"),
        _("fourth quarter of %(year)s"),
    )[q - 1]


@dataclass(frozen=True, order=True)
class Period:
    """A Jalali month (``number`` 1–12), quarter (``number`` 1–4) or year (``number`` None).

    Build with :meth:`month`, :meth:`quarter`, :meth:`year` or :meth:`parse`; ``str(p)`` gives the parseable code.
    ``start`` and ``end`` are Gregorian dates, both inclusive.
    """

    kind: str
    year: int
    number: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"period kind must be one of {KINDS}, got {self.kind!r}")
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not 1 <= self.year <= 9000:
            raise ValueError(f"invalid Jalali year {self.year!r}")
        if self.kind == YEAR:
            if self.number is not None:
                raise ValueError("a year period has no number")
        else:
            top = 12 if self.kind == MONTH else 4
            if isinstance(self.number, bool) or not isinstance(self.number, int) or not 1 <= self.number <= top:
                raise ValueError(f"a {self.kind} number must be in 1..{top}, got {self.number!r}")

    # -- constructors ----------------------------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(MONTH, year, month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(QUARTER, year, quarter)

    @classmethod
    def year_of(cls, year: int) -> Period:
        return cls(YEAR, year, None)

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"1404-07"`` → month, ``"1404-Q2"`` → quarter, ``"1404"`` → year (Persian digits accepted).
        Raises ``ValueError`` on anything else."""
        return cls._from_jalali(JalaliPeriod.parse(text))

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> Period:
        """The period of ``kind`` that contains the Gregorian date ``day``."""
        if kind not in KINDS:
            raise ValueError(f"period kind must be one of {KINDS}, got {kind!r}")
        return cls._from_jalali(JalaliPeriod.containing(day, kind))

    @classmethod
    def current(cls, kind: str, today: datetime.date | None = None) -> Period:
        """The period of ``kind`` containing today (local date) or ``today``."""
        return cls.containing(kind, today or timezone.localdate())

    @classmethod
    def last_ended(cls, kind: str, today: datetime.date | None = None) -> Period:
        """The most recent period of ``kind`` that has ended before today (the one a period-end report covers)."""
        return cls.current(kind, today).previous()

    @classmethod
    def _from_jalali(cls, jp: JalaliPeriod) -> Period:
        if jp.kind == "month":
            return cls.month(jp.year, jp.month)
        if jp.kind == "quarter":
            return cls.quarter(jp.year, jp.quarter)
        return cls.year_of(jp.year)

    def _jalali(self) -> JalaliPeriod:
        if self.kind == MONTH:
            return JalaliPeriod.for_month(self.year, self.number)
        if self.kind == QUARTER:
            return JalaliPeriod.for_quarter(self.year, self.number)
        return JalaliPeriod.for_year(self.year)

    # -- description -----------------------------------------------------------------------------------------

    def __str__(self) -> str:
        return self._jalali().code

    def label(self) -> str:
        """Persian label in the active language: «مهر ۱۴۰۴», «سه‌ماهه دوم ۱۴۰۴», «سال ۱۴۰۴»."""
        year = localize_digits(self.year)
        if self.kind == MONTH:
            month = MONTHS[self.number - 1]
            return pgettext("Jalali month and year", "%(month)s %(year)s") % {"month": month, "year": year}
        if self.kind == QUARTER:
            return _quarter_label(self.number) % {"year": year}
        return _("year %(year)s") % {"year": year}

    # -- extent ----------------------------------------------------------------------------------------------

    @property
    def start(self) -> datetime.date:
        """First day, Gregorian, inclusive."""
        return self._jalali().start

    @property
    def end(self) -> datetime.date:
        """Last day, Gregorian, inclusive."""
        return self._jalali().end

    def months(self) -> list[tuple[int, int]]:
        """The Jalali (year, month) pairs this period covers, in order."""
        return [(m.year, m.month) for m in self._jalali().months()]

    def month_keys(self) -> list[int]:
        """The months as ``year * 100 + month`` integers (the rollup tables' ``ym`` column), in order."""
        return [y * 100 + m for y, m in self.months()]

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    # -- navigation ------------------------------------------------------------------------------------------

    def previous(self) -> Period:
        """The period of the same kind just before this one (Farvardin 1404 → Esfand 1403)."""
        return self._from_jalali(self._jalali().previous())

    def next(self) -> Period:
        return self._from_jalali(self._jalali().next())

    def previous_year(self) -> Period:
        """The same month, quarter or year one Jalali year earlier (the "last year" column of every report)."""
        return Period(self.kind, self.year - 1, self.number)


# ``Period.year(y)`` is the contract's spelling. A dataclass field named ``year`` shadows a classmethod of the
# same name on instances, so the class attribute is set after the class is built: ``Period.year(1404)`` works
# on the class, and ``p.year`` on an instance is the field.
class _YearConstructor:
    def __get__(self, instance, owner):
        if instance is None:
            return owner.year_of
        return instance.__dict__["year"]


def _install_year_constructor() -> None:
    # Frozen dataclasses store fields in the instance __dict__, so a non-data descriptor on the class is safe.
    Period.year = _YearConstructor()  # type: ignore[method-assign,assignment]


_install_year_constructor()


def jalali_ym(day: datetime.date) -> int:
    """The Jalali month of a Gregorian date as ``year * 100 + month`` (e.g. 140407)."""
    j = to_jalali(day)
    return j.year * 100 + j.month
