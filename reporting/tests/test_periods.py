import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from reporting.periods import Period

kinds = st.sampled_from(["month", "quarter", "year"])


@st.composite
def periods(draw):
    kind = draw(kinds)
    year = draw(st.integers(1370, 1450))
    if kind == "month":
        return Period.month(year, draw(st.integers(1, 12)))
    if kind == "quarter":
        return Period.quarter(year, draw(st.integers(1, 4)))
    return Period.year(year)


@given(periods())
def test_string_form_parses_back(p):
    assert Period.parse(str(p)) == p


@given(periods())
def test_previous_ends_the_day_before_start(p):
    assert p.previous().end + datetime.timedelta(days=1) == p.start
    assert p.previous().next() == p


@given(periods())
def test_months_tile_the_period(p):
    months = [Period.month(y, m) for y, m in p.months()]
    assert months[0].start == p.start and months[-1].end == p.end
    for a, b in zip(months, months[1:], strict=False):
        assert a.end + datetime.timedelta(days=1) == b.start
    assert len(months) == {"month": 1, "quarter": 3, "year": 12}[p.kind]


@given(periods())
def test_previous_year_is_same_slot_one_year_back(p):
    q = p.previous_year()
    assert (q.kind, q.year, q.number) == (p.kind, p.year - 1, p.number)


@given(st.dates(datetime.date(1995, 1, 1), datetime.date(2060, 1, 1)), kinds)
def test_current_contains_today_and_last_ended_is_before(day, kind):
    current = Period.current(kind, today=day)
    assert current.contains(day)
    assert Period.last_ended(kind, today=day).end < current.start


def test_known_dates_and_forms():
    p = Period.parse("۱۴۰۴-۰۷")
    assert p == Period.month(1404, 7) and str(p) == "1404-07"
    assert (p.start, p.end) == (datetime.date(2025, 9, 23), datetime.date(2025, 10, 22))
    assert str(Period.parse("1404-Q2")) == "1404-Q2"
    assert Period.year(1404).end == datetime.date(2026, 3, 20)
    assert Period.year(1403).end == datetime.date(2025, 3, 20)  # 1403 is a leap year: Esfand has 30 days
    assert Period.month(1404, 1).previous() == Period.month(1403, 12)
    assert Period.year(1404).year == 1404


@pytest.mark.parametrize("text", ["1404-13", "1404-Q5", "x", "1404-Q0", ""])
def test_bad_codes_are_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_month_label_is_persian():
    with translation.override("fa"):
        assert Period.month(1404, 7).label() == "مهر ۱۴۰۴"
