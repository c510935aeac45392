"""The calendar of national occasions that bring Iranians to give (seed 000: interaction with donors «در
مناسبت های ملی مذهبی»; seed 003: the relief committee's celebrations, «جشن نیکوکاری و عاطفه‌ها»).

Solar occasions fall on fixed Jalali dates. Religious occasions follow the lunar Hijri calendar: their
Gregorian dates are computed with the Umm al-Qura tables (``hijridate``) and shown as approximate, because in
Iran the month begins with the official sighting of the moon, which can differ by a day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from hijridate import Gregorian, Hijri

from core import jalali


@dataclass(frozen=True)
class Occasion:
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    lunar: bool  # True: the date is approximate (moon sighting)
    note: str = ""

    @property
    def approximate(self) -> bool:
        return self.lunar


# (Jalali month, day, days it lasts, name, note)
SOLAR = [
    (1, 1, 4, _("Nowruz"), _("The new year: gifts to families in need before and during the holidays.")),
    (6, 31, 2, _("Kindness celebration (Jashn-e Atefeha)"),
     _("The start of the school year: school supplies and clothes for pupils of families in need.")),
    (12, 15, 7, _("Charity week (Jashn-e Nikoukari)"),
     _("The relief committee's charity celebration before Nowruz.")),
]

# (Hijri month, day, days it lasts, name, note)
LUNAR = [
    (7, 13, 1, _("Birthday of Imam Ali"), ""),
    (8, 15, 1, _("Mid-Sha'ban"), ""),
    (9, 1, 30, _("Month of Ramadan"), _("Iftar for the fasting, food parcels and zakat al-fitr.")),
    (9, 15, 1, _("Ekram day (orphan sponsorship)"), _("Birthday of Imam Hasan: sponsoring orphans.")),
    (10, 1, 1, _("Eid al-Fitr"), _("Zakat al-fitr is due before the Eid prayer.")),
    (12, 10, 1, _("Eid al-Adha"), _("Sacrifice meat shared with families in need.")),
    (12, 18, 1, _("Eid al-Ghadir"), _("Help for sayyid families and weddings of young couples.")),
    (1, 1, 10, _("Muharram"), _("Nazri food and vows.")),
]


def _lunar_in(start: datetime.date, end: datetime.date):
    first = Gregorian(start.year, start.month, start.day).to_hijri().year
    last = Gregorian(end.year, end.month, end.day).to_hijri().year
    for year in range(first, last + 1):
        for month, day, days, name, note in LUNAR:
            try:
                begins = Hijri(year, month, day).to_gregorian()
            except (ValueError, OverflowError):  # outside the tables' range
                continue
            begins = datetime.date(begins.year, begins.month, begins.day)
            if start <= begins <= end:
                yield Occasion(str(name), begins, begins + datetime.timedelta(days=days - 1), True, str(note))


def occasions_of_year(year: int) -> list[Occasion]:
    """Every occasion beginning in Jalali ``year``, in date order."""
    period = jalali.JalaliPeriod.for_year(year)
    found = []
    for month, day, days, name, note in SOLAR:
        day = min(day, jalali.days_in_month(year, month))
        begins = jalali.from_jalali(year, month, day)
        found.append(Occasion(str(name), begins, begins + datetime.timedelta(days=days - 1), False, str(note)))
    found.extend(_lunar_in(period.start, period.end))
    return sorted(found, key=lambda o: (o.starts_on, o.name))


def upcoming(today: datetime.date, *, count: int = 5) -> list[Occasion]:
    """The next ``count`` occasions not yet over on ``today``, across the turn of the year."""
    year = jalali.to_jalali(today).year
    items = [o for y in (year, year + 1) for o in occasions_of_year(y) if o.ends_on >= today]
    return items[:count]
