"""Jalali (Solar Hijri) calendar periods and dates for reporting.

This is the single module every report uses to turn "which period" into
Gregorian date ranges for database queries.

Domain rules
------------
* The fiscal year is the Jalali year, starting on 1 Farvardin (Nowruz,
  around 20/21 March).
* Months 1-6 (Farvardin..Shahrivar) have 31 days, months 7-11 (Mehr..Bahman)
  have 30 days, and Esfand (month 12) has 29 days, or 30 in a leap year.
* Quarters (فصل) are three Jalali months each: Q1 = months 1-3, Q2 = 4-6,
  Q3 = 7-9, Q4 = 10-12.
* Calendar arithmetic and leap years come from :mod:`jdatetime`, which uses
  the 33-year arithmetic cycle (e.g. 1399 and 1403 are leap years).  Its
  supported range is years 1..9377, i.e. Gregorian 622-03-21 .. 9999-03-20.

Dates stored in the database are Gregorian :class:`datetime.date` objects;
:meth:`JalaliPeriod.date_range` gives ``(start, end_exclusive)`` for
``field__gte=start, field__lt=end_exclusive`` filters.  For ``DateTimeField``
columns, build aware datetimes at local midnight from these dates first.

Codes and labels::

    JalaliPeriod.for_year(1403).code          -> "1403"
    JalaliPeriod.for_quarter(1403, 2).code    -> "1403-Q2"
    JalaliPeriod.for_month(1403, 7).code      -> "1403-07"
    JalaliPeriod.for_quarter(1403, 2).label   -> "فصل دوم ۱۴۰۳"
    JalaliPeriod.for_month(1403, 7).label     -> "مهر ۱۴۰۳"
    JalaliPeriod.for_year(1403).label         -> "سال ۱۴۰۳"
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace

import jdatetime

from core.digits import to_latin_digits, to_persian_digits

__all__ = [
    "KINDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "MONTH_NAMES",
    "QUARTER_NAMES",
    "JalaliPeriod",
    "days_in_month",
    "format_jalali",
    "from_jalali",
    "is_leap",
    "parse_jalali_date",
    "to_jalali",
]

MIN_YEAR = jdatetime.MINYEAR  # 1
MAX_YEAR = jdatetime.MAXYEAR  # 9377

YEAR = "year"
QUARTER = "quarter"
MONTH = "month"
KINDS = (YEAR, QUARTER, MONTH)

MONTH_NAMES = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)

#: Persian ordinals used in quarter labels ("فصل اول" .. "فصل چهارم").
QUARTER_NAMES = ("اول", "دوم", "سوم", "چهارم")

_ONE_DAY = datetime.timedelta(days=1)


# ---------------------------------------------------------------------------
# Plain date helpers
# ---------------------------------------------------------------------------


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return value


def _check_year(year: object) -> int:
    year = _check_int("year", year)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"Jalali year must be in {MIN_YEAR}..{MAX_YEAR}, got {year}")
    return year


def _check_month(month: object) -> int:
    month = _check_int("month", month)
    if not 1 <= month <= 12:
        raise ValueError(f"Jalali month must be in 1..12, got {month}")
    return month


def _as_date(value: object) -> datetime.date:
    """Accept ``datetime.date`` (a ``datetime`` is reduced to its date part)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"expected a datetime.date, got {type(value).__name__}")


def is_leap(year: int) -> bool:
    """Return whether Jalali ``year`` is a leap year (Esfand has 30 days).

    Uses jdatetime's 33-year arithmetic rule: 1395, 1399, 1403 and 1408 are
    leap years, 1400-1402 and 1404-1407 are not.
    """
    return jdatetime.date(_check_year(year), 1, 1).isleap()


def days_in_month(year: int, month: int) -> int:
    """Number of days in a Jalali month: 31 (1-6), 30 (7-11), 29/30 (Esfand)."""
    year = _check_year(year)
    month = _check_month(month)
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_leap(year) else 29


def to_jalali(date: datetime.date) -> jdatetime.date:
    """Convert a Gregorian date (or the date part of a datetime) to Jalali."""
    date = _as_date(date)
    try:
        return jdatetime.date.fromgregorian(date=date)
    except ValueError as exc:
        raise ValueError(
            f"{date.isoformat()} is outside the supported Jalali range {MIN_YEAR}..{MAX_YEAR}"
        ) from exc


def from_jalali(year: int, month: int, day: int) -> datetime.date:
    """Return the Gregorian date of Jalali ``year/month/day``.

    Raises ``ValueError`` for impossible dates such as 1403/13/01,
    1403/07/31 or 1404/12/30 (1404 is not a leap year).
    """
    year = _check_year(year)
    month = _check_month(month)
    day = _check_int("day", day)
    limit = days_in_month(year, month)
    if not 1 <= day <= limit:
        extra = ""
        if month == 12 and day == 30:
            extra = f" ({year} is not a leap year)"
        raise ValueError(
            f"Invalid Jalali date {year:04d}/{month:02d}/{day:02d}: "
            f"month {month} of year {year} has {limit} days{extra}"
        )
    return jdatetime.date(year, month, day).togregorian()


_SEPARATORS = "/-.\u066b"  # slash, dash, dot, Arabic decimal separator
_JALALI_DATE_RE = re.compile(rf"([0-9]{{4}})([{re.escape(_SEPARATORS)}])([0-9]{{1,2}})\2([0-9]{{1,2}})")
_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200d\u200e\u200f\u061c\ufeff"))


def parse_jalali_date(text: str) -> datetime.date:
    """Parse a Jalali date written as ``YYYY/MM/DD`` and return the Gregorian date.

    Accepts ``1403/07/15``, ``1403/7/15``, ``1403-7-15`` and ``1403.07.15``
    (one separator used consistently), Persian and Arabic-Indic digits, and
    surrounding whitespace.  The year must have four digits.  Raises
    ``ValueError`` with a clear message for malformed or impossible dates.
    """
    if not isinstance(text, str):
        raise ValueError(f"Jalali date must be a string, got {type(text).__name__}")
    cleaned = to_latin_digits(text).translate(_INVISIBLE).strip()
    match = _JALALI_DATE_RE.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"Invalid Jalali date {text!r}: expected YYYY/MM/DD, e.g. 1403/07/15")
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"Invalid Jalali date {text!r}: year must be in {MIN_YEAR}..{MAX_YEAR}")
    if not 1 <= month <= 12:
        raise ValueError(f"Invalid Jalali date {text!r}: month must be in 1..12")
    return from_jalali(year, month, day)


def format_jalali(date: datetime.date, persian_digits: bool = True) -> str:
    """Format a Gregorian date as Jalali ``YYYY/MM/DD`` (``۱۴۰۳/۰۷/۱۵``).

    With ``persian_digits=False`` ASCII digits are used (``1403/07/15``).
    The output is always accepted by :func:`parse_jalali_date`.
    """
    j = to_jalali(date)
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return to_persian_digits(text) if persian_digits else text


# ---------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------

_CODE_RE = re.compile(r"([0-9]{1,4})(?:-(?:[Qq]([0-9])|([0-9]{1,2})))?")


@dataclass(frozen=True)
class JalaliPeriod:
    """A Jalali reporting period: a whole year, a quarter or a month.

    Exactly one granularity is represented: ``month`` set means a month
    period (its ``quarter`` is filled in automatically), else ``quarter`` set
    means a quarter period, else it is a year period.  Instances are
    immutable and hashable (usable as dict keys); equal periods compare equal
    whichever way they were built.

    All dates are Gregorian ``datetime.date``; ``start`` and ``end`` are
    inclusive.
    """

    year: int
    quarter: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        _check_year(self.year)
        if self.quarter is not None:
            quarter = _check_int("quarter", self.quarter)
            if not 1 <= quarter <= 4:
                raise ValueError(f"quarter must be in 1..4, got {quarter}")
        if self.month is not None:
            month = _check_month(self.month)
            implied = (month - 1) // 3 + 1
            if self.quarter is None:
                object.__setattr__(self, "quarter", implied)
            elif self.quarter != implied:
                raise ValueError(f"month {month} belongs to quarter {implied}, not quarter {self.quarter}")

    # -- constructors -------------------------------------------------------

    @classmethod
    def for_year(cls, year: int) -> JalaliPeriod:
        return cls(year)

    @classmethod
    def for_quarter(cls, year: int, quarter: int) -> JalaliPeriod:
        if quarter is None:
            raise ValueError("quarter must be in 1..4, got None")
        return cls(year, quarter=quarter)

    @classmethod
    def for_month(cls, year: int, month: int) -> JalaliPeriod:
        if month is None:
            raise ValueError("Jalali month must be in 1..12, got None")
        return cls(year, month=month)

    @classmethod
    def containing(cls, date: datetime.date, kind: str) -> JalaliPeriod:
        """The period of the given kind (``"year"``, ``"quarter"`` or ``"month"``) containing ``date``."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
        j = to_jalali(date)
        if kind == YEAR:
            return cls(j.year)
        if kind == QUARTER:
            return cls(j.year, quarter=(j.month - 1) // 3 + 1)
        return cls(j.year, month=j.month)

    @classmethod
    def parse(cls, code: str) -> JalaliPeriod:
        """Inverse of :attr:`code`: ``"1403"``, ``"1403-Q2"`` or ``"1403-07"``.

        Persian/Arabic digits, a lowercase ``q`` and surrounding whitespace
        are tolerated.  Raises ``ValueError`` on anything else.
        """
        if not isinstance(code, str):
            raise ValueError(f"period code must be a string, got {type(code).__name__}")
        match = _CODE_RE.fullmatch(to_latin_digits(code).strip())
        if match is None:
            raise ValueError(
                f"Invalid period code {code!r}: expected YYYY, YYYY-Qn or YYYY-MM "
                "(e.g. 1403, 1403-Q2, 1403-07)"
            )
        year_text, quarter_text, month_text = match.groups()
        try:
            if quarter_text is not None:
                return cls.for_quarter(int(year_text), int(quarter_text))
            if month_text is not None:
                return cls.for_month(int(year_text), int(month_text))
            return cls.for_year(int(year_text))
        except ValueError as exc:
            raise ValueError(f"Invalid period code {code!r}: {exc}") from exc

    # -- description ---------------------------------------------------------

    @property
    def kind(self) -> str:
        if self.month is not None:
            return MONTH
        if self.quarter is not None:
            return QUARTER
        return YEAR

    @property
    def code(self) -> str:
        """Stable machine code: ``"1403"``, ``"1403-Q2"``, ``"1403-07"``."""
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        if self.quarter is not None:
            return f"{self.year:04d}-Q{self.quarter}"
        return f"{self.year:04d}"

    @property
    def label(self) -> str:
        """Persian label: ``"سال ۱۴۰۳"``, ``"فصل دوم ۱۴۰۳"``, ``"مهر ۱۴۰۳"``."""
        year = to_persian_digits(self.year)
        if self.month is not None:
            return f"{MONTH_NAMES[self.month - 1]} {year}"
        if self.quarter is not None:
            return f"فصل {QUARTER_NAMES[self.quarter - 1]} {year}"
        return f"سال {year}"

    # -- extent --------------------------------------------------------------

    @property
    def first_month(self) -> int:
        if self.month is not None:
            return self.month
        if self.quarter is not None:
            return (self.quarter - 1) * 3 + 1
        return 1

    @property
    def last_month(self) -> int:
        if self.month is not None:
            return self.month
        if self.quarter is not None:
            return self.quarter * 3
        return 12

    @property
    def start(self) -> datetime.date:
        """First day (Gregorian, inclusive)."""
        return jdatetime.date(self.year, self.first_month, 1).togregorian()

    @property
    def end(self) -> datetime.date:
        """Last day (Gregorian, inclusive)."""
        last = self.last_month
        return jdatetime.date(self.year, last, days_in_month(self.year, last)).togregorian()

    def date_range(self) -> tuple[datetime.date, datetime.date]:
        """``(start, end_exclusive)`` for ``__gte`` / ``__lt`` filters."""
        return self.start, self.end + _ONE_DAY

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return sum(days_in_month(self.year, m) for m in range(self.first_month, self.last_month + 1))

    def contains(self, date: datetime.date) -> bool:
        """Whether ``date`` (Gregorian) lies in this period."""
        date = _as_date(date)
        return self.start <= date <= self.end

    # -- navigation ------------------------------------------------------------

    def previous(self) -> JalaliPeriod:
        """The period of the same kind immediately before this one."""
        return self._shift(-1)

    def next(self) -> JalaliPeriod:
        """The period of the same kind immediately after this one."""
        return self._shift(1)

    def _shift(self, step: int) -> JalaliPeriod:
        if self.month is not None:
            index = self.year * 12 + (self.month - 1) + step
            return JalaliPeriod.for_month(index // 12, index % 12 + 1)
        if self.quarter is not None:
            index = self.year * 4 + (self.quarter - 1) + step
            return JalaliPeriod.for_quarter(index // 4, index % 4 + 1)
        return JalaliPeriod.for_year(self.year + step)

    def same_period_last_year(self) -> JalaliPeriod:
        """The same quarter/month/year one Jalali year earlier."""
        return replace(self, year=self.year - 1)

    def months(self) -> list[JalaliPeriod]:
        """The month periods making up this period, in order."""
        return [JalaliPeriod.for_month(self.year, m) for m in range(self.first_month, self.last_month + 1)]

    def quarters(self) -> list[JalaliPeriod]:
        """The quarter periods making up this year (or ``[self]`` for a quarter)."""
        if self.month is not None:
            raise ValueError("a month period cannot be split into quarters")
        if self.quarter is not None:
            return [self]
        return [JalaliPeriod.for_quarter(self.year, q) for q in range(1, 5)]

    def year_period(self) -> JalaliPeriod:
        """The year period this period belongs to."""
        return JalaliPeriod.for_year(self.year)

    def quarter_period(self) -> JalaliPeriod:
        """The quarter period this quarter or month belongs to."""
        if self.quarter is None:
            raise ValueError("a year period does not belong to a single quarter")
        return JalaliPeriod.for_quarter(self.year, self.quarter)
