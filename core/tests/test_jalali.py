"""Tests for core.jalali (no database, no settings needed)."""

import datetime
import itertools

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.jalali import (
    MAX_YEAR,
    MIN_YEAR,
    MONTH_NAMES,
    JalaliPeriod,
    days_in_month,
    format_jalali,
    from_jalali,
    is_leap,
    parse_jalali_date,
    to_jalali,
)

ONE_DAY = datetime.timedelta(days=1)

# Gregorian dates jdatetime can represent: 0001/01/01 .. 9377/12/30 (Jalali).
FIRST_DATE = datetime.date(622, 3, 21)
LAST_DATE = datetime.date(9999, 3, 20)

dates = st.dates(min_value=FIRST_DATE, max_value=LAST_DATE)
years = st.integers(min_value=MIN_YEAR, max_value=MAX_YEAR)
inner_years = st.integers(min_value=MIN_YEAR + 1, max_value=MAX_YEAR - 1)


def periods(year_strategy=years):
    return st.one_of(
        st.builds(JalaliPeriod.for_year, year_strategy),
        st.builds(JalaliPeriod.for_quarter, year_strategy, st.integers(1, 4)),
        st.builds(JalaliPeriod.for_month, year_strategy, st.integers(1, 12)),
    )


# ---------------------------------------------------------------------------
# Calendar facts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        ((1300, 1, 1), datetime.date(1921, 3, 21)),
        ((1399, 12, 30), datetime.date(2021, 3, 20)),
        ((1400, 1, 1), datetime.date(2021, 3, 21)),
        ((1402, 1, 1), datetime.date(2023, 3, 21)),
        ((1403, 1, 1), datetime.date(2024, 3, 20)),
        ((1403, 7, 15), datetime.date(2024, 10, 6)),
        ((1403, 12, 30), datetime.date(2025, 3, 20)),
        ((1404, 1, 1), datetime.date(2025, 3, 21)),
    ],
)
def test_known_conversions(jalali, gregorian):
    assert from_jalali(*jalali) == gregorian
    j = to_jalali(gregorian)
    assert (j.year, j.month, j.day) == jalali
    assert isinstance(j, jdatetime.date)


def test_leap_years_match_jdatetime_and_known_values():
    for year in (1395, 1399, 1403, 1408):
        assert is_leap(year)
        assert JalaliPeriod.for_year(year).days == 366
    for year in (1400, 1401, 1402, 1404, 1405, 1406, 1407):
        assert not is_leap(year)
        assert JalaliPeriod.for_year(year).days == 365
    for year in range(1300, 1501):
        assert is_leap(year) == jdatetime.date(year, 1, 1).isleap()


def test_days_in_month():
    assert [days_in_month(1403, m) for m in range(1, 13)] == [31] * 6 + [30] * 5 + [30]
    assert [days_in_month(1404, m) for m in range(1, 13)] == [31] * 6 + [30] * 5 + [29]


def test_to_jalali_accepts_datetime():
    j = to_jalali(datetime.datetime(2024, 10, 6, 23, 59))  # naive on purpose
    assert type(j) is jdatetime.date
    assert (j.year, j.month, j.day) == (1403, 7, 15)


def test_to_jalali_out_of_range():
    with pytest.raises(ValueError):
        to_jalali(datetime.date(9999, 12, 31))
    with pytest.raises(ValueError):
        to_jalali(datetime.date(600, 1, 1))


@pytest.mark.parametrize(
    "ymd",
    [
        (1404, 12, 30),  # 1404 is not leap
        (1403, 12, 31),
        (1403, 13, 1),
        (1403, 0, 1),
        (1403, 7, 31),  # Mehr has 30 days
        (1403, 1, 32),
        (1403, 1, 0),
        (0, 1, 1),
        (9378, 1, 1),
        (1403.0, 1, 1),
        ("1403", 1, 1),
    ],
)
def test_from_jalali_rejects_impossible_dates(ymd):
    with pytest.raises(ValueError):
        from_jalali(*ymd)


@given(dates)
def test_to_from_jalali_roundtrip(date):
    j = to_jalali(date)
    assert from_jalali(j.year, j.month, j.day) == date


# ---------------------------------------------------------------------------
# Parsing and formatting dates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1403/07/15",
        "1403/7/15",
        "1403-7-15",
        "1403-07-15",
        "1403.07.15",
        "  1403/07/15\n",
        "۱۴۰۳/۰۷/۱۵",
        "۱۴۰۳-۷-۱۵",
        "١٤٠٣/٠٧/١٥",
        "\u200f۱۴۰۳/۰۷/۱۵",
    ],
)
def test_parse_jalali_date_forms(text):
    assert parse_jalali_date(text) == datetime.date(2024, 10, 6)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1403",
        "1403/07",
        "1403/07/15/01",
        "1403/07-15",  # mixed separators
        "03/07/15",  # two-digit year
        "1403/007/15",
        "1403/13/01",
        "1403/00/10",
        "1404/12/30",
        "1403/07/31",
        "1403/07/00",
        "0000/01/01",
        "9378/01/01",
        "1403/O7/15",
        "2024-10-06T00:00",
        None,
    ],
)
def test_parse_jalali_date_rejects(text):
    with pytest.raises(ValueError):
        parse_jalali_date(text)


def test_format_jalali():
    assert format_jalali(datetime.date(2024, 10, 6)) == "۱۴۰۳/۰۷/۱۵"
    assert format_jalali(datetime.date(2024, 10, 6), persian_digits=False) == "1403/07/15"
    assert format_jalali(datetime.date(2025, 3, 20), False) == "1403/12/30"


@given(dates, st.booleans())
def test_format_parse_roundtrip(date, persian):
    assert parse_jalali_date(format_jalali(date, persian_digits=persian)) == date


# ---------------------------------------------------------------------------
# Periods: construction, codes, labels
# ---------------------------------------------------------------------------


def test_constructors_and_kind():
    assert JalaliPeriod.for_year(1403) == JalaliPeriod(1403)
    assert JalaliPeriod.for_year(1403).kind == "year"
    assert JalaliPeriod.for_quarter(1403, 2).kind == "quarter"
    month = JalaliPeriod.for_month(1403, 7)
    assert month.kind == "month"
    assert month.quarter == 3  # month implies its quarter
    assert month == JalaliPeriod(1403, 3, 7) == JalaliPeriod(1403, month=7)
    assert hash(month) == hash(JalaliPeriod(1403, 3, 7))


@pytest.mark.parametrize(
    "args",
    [
        (0,),
        (9378,),
        (1403, 0),
        (1403, 5),
        (1403, None, 0),
        (1403, None, 13),
        (1403, 1, 4),  # month 4 is in Q2
        (1403, 4, 9),
        (1403.0,),
        (True,),
        ("1403",),
        (1403, "2"),
    ],
)
def test_invalid_periods_rejected(args):
    with pytest.raises(ValueError):
        JalaliPeriod(*args)


def test_named_constructors_reject_none():
    with pytest.raises(ValueError):
        JalaliPeriod.for_quarter(1403, None)
    with pytest.raises(ValueError):
        JalaliPeriod.for_month(1403, None)


def test_periods_are_immutable():
    period = JalaliPeriod.for_year(1403)
    with pytest.raises(AttributeError):
        period.year = 1404


@pytest.mark.parametrize(
    ("period", "code", "label"),
    [
        (JalaliPeriod.for_year(1403), "1403", "سال ۱۴۰۳"),
        (JalaliPeriod.for_quarter(1403, 1), "1403-Q1", "فصل اول ۱۴۰۳"),
        (JalaliPeriod.for_quarter(1403, 2), "1403-Q2", "فصل دوم ۱۴۰۳"),
        (JalaliPeriod.for_quarter(1403, 3), "1403-Q3", "فصل سوم ۱۴۰۳"),
        (JalaliPeriod.for_quarter(1403, 4), "1403-Q4", "فصل چهارم ۱۴۰۳"),
        (JalaliPeriod.for_month(1403, 1), "1403-01", "فروردین ۱۴۰۳"),
        (JalaliPeriod.for_month(1403, 7), "1403-07", "مهر ۱۴۰۳"),
        (JalaliPeriod.for_month(1403, 12), "1403-12", "اسفند ۱۴۰۳"),
        (JalaliPeriod.for_year(7), "0007", "سال ۷"),
    ],
)
def test_codes_and_labels(period, code, label):
    assert period.code == code
    assert period.label == label
    assert JalaliPeriod.parse(code) == period


def test_month_names():
    assert [JalaliPeriod.for_month(1403, m).label.split()[0] for m in range(1, 13)] == list(MONTH_NAMES)
    assert MONTH_NAMES[0] == "فروردین" and MONTH_NAMES[11] == "اسفند"


def test_parse_tolerates_persian_digits_and_lowercase_q():
    assert JalaliPeriod.parse("۱۴۰۳-q2") == JalaliPeriod.for_quarter(1403, 2)
    assert JalaliPeriod.parse(" 1403-7 ") == JalaliPeriod.for_month(1403, 7)
    assert JalaliPeriod.parse("١٤٠٣") == JalaliPeriod.for_year(1403)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "Q2",
        "1403-",
        "1403-Q",
        "1403-Q5",
        "1403-Q0",
        "1403-13",
        "1403-00",
        "1403/07",
        "14031",
        "0",
        "9378",
        "1403-Q2-07",
        "1403-007",
        "abc",
        None,
    ],
)
def test_parse_rejects_bad_codes(code):
    with pytest.raises(ValueError):
        JalaliPeriod.parse(code)


@given(periods())
def test_parse_is_inverse_of_code(period):
    assert JalaliPeriod.parse(period.code) == period
    assert JalaliPeriod.parse(period.code).code == period.code


# ---------------------------------------------------------------------------
# Periods: extent
# ---------------------------------------------------------------------------


def test_known_period_bounds():
    q2 = JalaliPeriod.for_quarter(1403, 2)
    assert (q2.start, q2.end) == (datetime.date(2024, 6, 21), datetime.date(2024, 9, 21))
    assert q2.date_range() == (datetime.date(2024, 6, 21), datetime.date(2024, 9, 22))
    assert q2.days == 93
    esfand = JalaliPeriod.for_month(1403, 12)
    assert (esfand.start, esfand.end) == (datetime.date(2025, 2, 19), datetime.date(2025, 3, 20))
    assert esfand.days == 30
    assert JalaliPeriod.for_month(1404, 12).days == 29
    assert JalaliPeriod.for_quarter(1404, 4).days == 89
    year = JalaliPeriod.for_year(1403)
    assert (year.start, year.end, year.days) == (datetime.date(2024, 3, 20), datetime.date(2025, 3, 20), 366)


def test_extreme_years():
    first = JalaliPeriod.for_year(MIN_YEAR)
    assert first.start == FIRST_DATE  # 0001/01/01 == 622-03-21 (jdatetime's epoch)
    last = JalaliPeriod.for_year(MAX_YEAR)
    assert last.end == LAST_DATE
    assert last.date_range()[1] == LAST_DATE + ONE_DAY
    with pytest.raises(ValueError):
        last.next()
    with pytest.raises(ValueError):
        first.previous()
    with pytest.raises(ValueError):
        JalaliPeriod.for_month(MAX_YEAR, 12).next()
    with pytest.raises(ValueError):
        JalaliPeriod.for_quarter(MIN_YEAR, 1).previous()
    with pytest.raises(ValueError):
        first.same_period_last_year()


def test_every_day_1300_to_1500_in_exactly_one_quarter_and_month():
    """Sweep all ~73,000 days of 1300/01/01 .. 1500/12/end.

    Each year is tiled by its quarters and by its months with no gap or
    overlap, consecutive years touch, and for every single day containing()
    returns the tiling period that covers it.  Together these imply every day
    lies in exactly one year, one quarter and one month period.
    """
    previous_year_end = None
    total_days = 0
    for y in range(1300, 1501):
        year = JalaliPeriod.for_year(y)
        assert year.days == (366 if is_leap(y) else 365)
        assert (year.end - year.start).days + 1 == year.days
        if previous_year_end is not None:
            assert year.start == previous_year_end + ONE_DAY
        previous_year_end = year.end

        for parts in (year.quarters(), year.months()):
            assert parts[0].start == year.start
            assert parts[-1].end == year.end
            for left, right in itertools.pairwise(parts):
                assert left.end + ONE_DAY == right.start
            assert sum(p.days for p in parts) == year.days
        months = year.months()
        for quarter in year.quarters():
            assert quarter.months() == months[(quarter.quarter - 1) * 3 : quarter.quarter * 3]

        assert JalaliPeriod.containing(year.start, "year") == year
        assert JalaliPeriod.containing(year.end, "year") == year
        assert not year.contains(year.start - ONE_DAY)
        assert not year.contains(year.end + ONE_DAY)

        for month in months:
            quarter = JalaliPeriod.for_quarter(y, month.quarter)
            day = month.start
            while day <= month.end:
                assert JalaliPeriod.containing(day, "month") == month
                assert JalaliPeriod.containing(day, "quarter") == quarter
                day += ONE_DAY
                total_days += 1
    assert total_days == (JalaliPeriod.for_year(1500).end - JalaliPeriod.for_year(1300).start).days + 1


@given(dates, st.sampled_from(["year", "quarter", "month"]))
def test_containing_contains_date(date, kind):
    period = JalaliPeriod.containing(date, kind)
    assert period.kind == kind
    assert period.contains(date)
    start, end_exclusive = period.date_range()
    assert start <= date < end_exclusive
    assert period.start <= date <= period.end


def test_containing_rejects_unknown_kind():
    with pytest.raises(ValueError):
        JalaliPeriod.containing(datetime.date(2024, 10, 6), "week")


@given(periods())
def test_period_bounds_roundtrip(period):
    assert JalaliPeriod.containing(period.start, period.kind) == period
    assert JalaliPeriod.containing(period.end, period.kind) == period
    assert (period.end - period.start).days + 1 == period.days
    assert period.date_range() == (period.start, period.end + ONE_DAY)
    j_start = to_jalali(period.start)
    assert (j_start.year, j_start.month, j_start.day) == (period.year, period.months()[0].month, 1)
    if period.start > FIRST_DATE:
        assert not period.contains(period.start - ONE_DAY)
    assert not period.contains(period.end + ONE_DAY)


@given(years)
def test_year_start_end_roundtrip(y):
    year = JalaliPeriod.for_year(y)
    assert year.start == from_jalali(y, 1, 1)
    assert year.end == from_jalali(y, 12, 30 if is_leap(y) else 29)
    assert to_jalali(year.start).year == y
    assert to_jalali(year.end).year == y
    assert len(year.months()) == 12
    assert len(year.quarters()) == 4


def test_month_period_has_no_quarters():
    with pytest.raises(ValueError):
        JalaliPeriod.for_month(1403, 7).quarters()
    assert JalaliPeriod.for_quarter(1403, 3).quarters() == [JalaliPeriod.for_quarter(1403, 3)]
    assert JalaliPeriod.for_month(1403, 7).months() == [JalaliPeriod.for_month(1403, 7)]


def test_parent_periods():
    month = JalaliPeriod.for_month(1403, 7)
    assert month.quarter_period() == JalaliPeriod.for_quarter(1403, 3)
    assert month.year_period() == JalaliPeriod.for_year(1403)
    with pytest.raises(ValueError):
        JalaliPeriod.for_year(1403).quarter_period()


# ---------------------------------------------------------------------------
# Periods: navigation
# ---------------------------------------------------------------------------


def test_navigation_examples():
    assert JalaliPeriod.for_month(1403, 12).next() == JalaliPeriod.for_month(1404, 1)
    assert JalaliPeriod.for_month(1403, 1).previous() == JalaliPeriod.for_month(1402, 12)
    assert JalaliPeriod.for_quarter(1403, 4).next() == JalaliPeriod.for_quarter(1404, 1)
    assert JalaliPeriod.for_quarter(1403, 1).previous() == JalaliPeriod.for_quarter(1402, 4)
    assert JalaliPeriod.for_year(1403).next() == JalaliPeriod.for_year(1404)
    assert JalaliPeriod.for_quarter(1403, 2).same_period_last_year() == JalaliPeriod.for_quarter(1402, 2)
    assert JalaliPeriod.for_month(1403, 7).same_period_last_year() == JalaliPeriod.for_month(1402, 7)


@given(periods(inner_years))
def test_previous_next_inverse(period):
    assert period.next().previous() == period
    assert period.previous().next() == period
    assert period.next().kind == period.kind == period.previous().kind


@given(periods(inner_years))
def test_next_starts_the_day_after_end(period):
    assert period.next().start == period.end + ONE_DAY
    assert period.previous().end == period.start - ONE_DAY


@given(periods(inner_years))
def test_same_period_last_year(period):
    last = period.same_period_last_year()
    assert last.kind == period.kind
    assert (last.year, last.quarter, last.month) == (period.year - 1, period.quarter, period.month)
    if period.kind == "year":
        assert last == period.previous()
