"""Template filters for the Persian interface: Jalali dates, Persian digits, rial amounts.

Loaded as a builtin (settings.TEMPLATES), so every template can use them without ``{% load %}``.
Digits follow the active language: Persian digits in Persian, Latin digits in English.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from core.digits import to_persian_digits
from core.jalali import to_jalali

register = template.Library()

# The Jalali month names, translated: Persian in Persian, transliterated in English.
MONTHS = (
    pgettext_lazy("Jalali month", "Farvardin"), pgettext_lazy("Jalali month", "Ordibehesht"),
    pgettext_lazy("Jalali month", "Khordad"), pgettext_lazy("Jalali month", "Tir"),
    pgettext_lazy("Jalali month", "Mordad"), pgettext_lazy("Jalali month", "Shahrivar"),
    pgettext_lazy("Jalali month", "Mehr"), pgettext_lazy("Jalali month", "Aban"),
    pgettext_lazy("Jalali month", "Azar"), pgettext_lazy("Jalali month", "Dey"),
    pgettext_lazy("Jalali month", "Bahman"), pgettext_lazy("Jalali month", "Esfand"),
)


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


def localize_digits(value) -> str:
    text = "" if value is None else str(value)
    return to_persian_digits(text) if _persian() else text


@register.filter
def digits(value):
    """Shows a value's digits in the interface language (Persian digits in Persian)."""
    return localize_digits(value)


def _as_date(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date(), value.time()
    return value, None


@register.filter
def jdate(value, style="short"):
    """A Gregorian date or datetime shown as a Jalali date: ``1403/07/15`` or, with "long", ``15 مهر 1403``."""
    if not value:
        return ""
    day, _time = _as_date(value)
    j = to_jalali(day)
    if style == "long":
        text = f"{j.day} {MONTHS[j.month - 1]} {j.year}"
    else:
        text = f"{j.year}/{j.month:02d}/{j.day:02d}"
    return localize_digits(text)


@register.filter
def jdatetime(value):
    """A datetime shown as a Jalali date with the local time (Tehran)."""
    if not value:
        return ""
    day, time = _as_date(value)
    text = jdate(day)
    return f"{text} {localize_digits(time.strftime('%H:%M'))}" if time else text


@register.filter
def number(value):
    """An integer with thousands separators in the interface language's digits."""
    if value is None or value == "":
        return ""
    sep = "٬" if _persian() else ","
    return localize_digits(f"{int(value):,}".replace(",", sep))


@register.filter
def rial(value):
    """An integer amount of rials, e.g. ``۱۲٬۵۰۰٬۰۰۰ ریال``."""
    if value is None or value == "":
        return ""
    return _("%(amount)s rials") % {"amount": number(value)}


@register.filter
def join_list(values):
    """Joins a list with the language's comma: «الف، ب» in Persian, "a, b" in English."""
    return _(", ").join(str(v) for v in values)


@register.filter
def area_map(geometry, label=""):
    """Draws a GeoJSON polygon (a center's activity area) as inline SVG."""
    from core.svg import polygon_svg

    return polygon_svg(geometry, label=str(label))
