"""What the yearbook says: the context of each of its parts, built from ``reporting.figures`` (rollups only).

Everything shown is formatted here (Persian digits, millions of rials, signed percent changes), so the
templates only place strings and stay cheap to lay out. A province chapter is kept lean on purpose (its key
figures, two charts, one compact table of its counties and the main tables of its performance report): a
national book has 31 of them, and the time to lay them out is what the book's five-minute target is about.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_scopes import scope as tenant_scope

from centers.models import Center, County, Province
from core.digits import format_number_fa, to_persian_digits
from core.templatetags.fa import jdate
from reporting import figures
from reporting.periods import Period
from reporting.scope import COUNTY, NATION, PROVINCE, Scope

# The performance report's tables a province chapter carries; the national summary carries them all.
PROVINCE_SECTIONS = ("contributions", "cash_by_purpose", "donors", "households", "aid_by_kind", "loans",
                     "licenses", "complaints")
MILLION = 1_000_000


# -- formatting ----------------------------------------------------------------------------------------------

def millions(rials: int | None) -> str:
    """Rials as whole millions with Persian digits («۱٬۲۵۰»); "—" when there is no figure."""
    if rials is None:
        return "—"
    return format_number_fa(round(rials / MILLION))


def count(value: int | None) -> str:
    return "—" if value is None else format_number_fa(int(value))


def decimal(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}".removesuffix(".0")
    return to_persian_digits(text.replace(".", "\u066b")) + suffix


def change(value: float | None) -> dict:
    """A percent change as {"text", "cls"}: «+۱۲٫۵٪» in green, «-۳٪» in red, "—" when undefined. The sign is
    put after the number's digits in the string; the left-to-right mark keeps it on the left in RTL text."""
    if value is None:
        return {"text": "—", "cls": "flat"}
    cls = "up" if value > 0 else "down" if value < 0 else "flat"
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return {"text": "\u200e" + sign + decimal(abs(value), "\u066a"), "cls": cls}


def show(value, unit: str) -> str:
    if unit == "rials":
        return millions(value)
    if unit == "percent":
        return decimal(value, "\u066a")
    if unit == "days":
        return decimal(value)
    return count(value)


def _cell(text: str, *, num: bool = True, cls: str = "") -> dict:
    return {"text": text, "num": num, "cls": cls}


# -- the book ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Chapter:
    province_id: int
    name: str


def provinces(scope: Scope) -> list[Chapter]:
    """The provinces that get a chapter: those with at least one center in the scope, by name."""
    if scope.level == PROVINCE:
        ids = [scope.id]
    else:
        center_ids = scope.center_ids()
        with tenant_scope(center=center_ids):
            ids = list(Center.objects.filter(pk__in=center_ids).values_list("county__province_id", flat=True)
                       .distinct())
    return [Chapter(p.pk, p.name) for p in Province.objects.filter(pk__in=ids).order_by("name")]


def book(scope: Scope, period: Period) -> dict:
    """What every part shows: the title in the running header and footers, and the cover's lines."""
    return {
        "title": _("Statistical yearbook of charity centers"),
        "year": to_persian_digits(period.year),
        "period_label": period.label(),
        "scope_label": scope.label(),
        "period_range": _("from %(start)s to %(end)s") % {"start": jdate(period.start, "long"),
                                                          "end": jdate(period.end, "long")},
        "produced_on": jdate(timezone.localdate(), "long"),
    }


def contents(entries: list[tuple[str, int, int]]) -> list[dict]:
    """The contents' lines from ``(title, first page, level)`` in book order."""
    return [{"title": title, "page": to_persian_digits(page) if page else "", "level": level}
            for title, page, level in entries]


def chapter_label(number: int) -> str:
    return pgettext("yearbook", "Chapter %(number)s") % {"number": to_persian_digits(number)}


def _cards(headline: dict) -> list[dict]:
    spec = (("received", _("Contributions received"), "rials"), ("aid", _("Aid given"), "rials"),
            ("households_served", _("Households served"), "count"), ("donors", _("Donors"), "count"))
    cards = []
    for key, label, unit in spec:
        figure = headline[key]
        cards.append({"label": label, "value": show(figure["value"], unit),
                      "unit": _("million rials") if unit == "rials" else "",
                      "previous": show(figure["previous"], unit), "change": change(figure["change"])})
    return cards


def _charts(scope: Scope, period: Period) -> tuple[dict, dict]:
    from reporting import charts

    series = figures.monthly_series(scope, period, months=12)
    purposes = figures.by_purpose(scope, period)[:8]
    trend = {"caption": _("Received and aid given per month (rials)"),
             "svg": charts.trend_chart(series, title="", width=520, height=260)}
    by_purpose = {"caption": _("Received and spent by purpose (rials)"),
                  "svg": charts.purpose_chart(purposes, title="", width=520)}
    return trend, by_purpose


def _areas(rows: list[tuple[str, int, dict]], *, heading: str, caption: str, area_column: str) -> dict:
    """The compact table of a chapter's areas (provinces of the nation, counties of a province): one row each
    with its centers and headline figures, and a total row."""
    table_rows = []
    totals = {"centers": 0, "received": 0, "aid": 0, "households_served": 0, "donors": 0, "previous": 0}
    for name, centers, h in rows:
        table_rows.append({"cells": [
            _cell(name, num=False), _cell(count(centers)), _cell(millions(h["received"]["value"])),
            _cell(**{**change(h["received"]["change"]), "num": True}),
            _cell(millions(h["aid"]["value"])), _cell(count(h["households_served"]["value"])),
            _cell(count(h["donors"]["value"])),
        ]})
        totals["centers"] += centers
        totals["previous"] += h["received"]["previous"] or 0
        for key in ("received", "aid", "households_served", "donors"):
            totals[key] += h[key]["value"] or 0
    total_change = (round((totals["received"] - totals["previous"]) / totals["previous"] * 100, 1)
                    if totals["previous"] else None)
    table_rows.append({"cls": "total", "cells": [
        _cell(_("Total"), num=False), _cell(count(totals["centers"])), _cell(millions(totals["received"])),
        _cell(**{**change(total_change), "num": True}), _cell(millions(totals["aid"])),
        _cell(count(totals["households_served"])), _cell(count(totals["donors"])),
    ]})
    columns = [area_column, _("Centers"), _("Received"), _("Change"), _("Aid given"), _("Households served"),
               _("Donors")]
    return {"heading": heading, "caption": caption,
            "columns": [{"text": c, "num": i > 0} for i, c in enumerate(columns)], "rows": table_rows,
            "note": _("Amounts in millions of rials; change against the same period last year.")}


def _tables(scope: Scope, period: Period, keys: tuple[str, ...] | None) -> list[dict]:
    report = figures.performance(scope, period)
    tables = []
    for section in report["sections"]:
        if (keys is not None and section["key"] not in keys) or not section["rows"]:
            continue
        campaigns = section["key"] == "campaigns"
        rows = []
        for row in section["rows"]:
            unit = row.get("unit", "count")
            if campaigns:
                cells = [show(row["value"], unit), show(row.get("goal"), unit), decimal(row.get("share"), "\u066a")]
                rows.append({"cells": [_cell(row["label"], num=False), *(_cell(c) for c in cells)]})
            else:
                rows.append({"cells": [_cell(row["label"], num=False), _cell(show(row["value"], unit)),
                                       _cell(show(row["previous"], unit)),
                                       _cell(**{**change(row["change"]), "num": True})]})
        columns = list(section["columns"])
        tables.append({"heading": "", "caption": section["title"],
                       "columns": [{"text": c, "num": i > 0} for i, c in enumerate(columns)], "rows": rows,
                       "note": ""})
    if tables:
        tables[0]["heading"] = _("Performance tables")
        tables[-1]["note"] = _("Amounts in millions of rials.")
    return tables


def summary(scope: Scope, period: Period) -> dict:
    """The national summary: the scope's key figures, charts, a row per province and every performance table."""
    trend, purposes = _charts(scope, period)
    rows = []
    for chapter in provinces(scope):
        sub = Scope(PROVINCE, chapter.province_id, scope.organization_id)
        rows.append((chapter.name, len(sub.center_ids()), figures.headline(sub, period)))
    return {
        "number_label": scope.label(),
        "title": _("National summary") if scope.level == NATION else scope.label(),
        "subtitle": period.label(),
        "cards": _cards(figures.headline(scope, period)),
        "trend": trend, "purposes": purposes,
        "areas": _areas(rows, heading=_("Provinces"), caption=_("Key figures by province"),
                        area_column=_("Province")),
        "tables": _tables(scope, period, None),
    }


def province_chapter(scope: Scope, province_id: int, period: Period, number: int) -> dict:
    """A province's chapter: key figures, charts, a compact table of its counties, its main tables."""
    province = Province.objects.get(pk=province_id)
    sub = Scope(PROVINCE, province_id, scope.organization_id)
    trend, purposes = _charts(sub, period)
    center_ids = sub.center_ids()
    with tenant_scope(center=center_ids):
        county_ids = set(Center.objects.filter(pk__in=center_ids).values_list("county_id", flat=True))
    rows = []
    for county in County.objects.filter(pk__in=county_ids).order_by("name"):
        county_scope = Scope(COUNTY, county.pk, scope.organization_id)
        rows.append((county.name, len(county_scope.center_ids()), figures.headline(county_scope, period)))
    return {
        "number_label": chapter_label(number),
        "title": _("Province of %(name)s") % {"name": province.name},
        "subtitle": period.label(),
        "cards": _cards(figures.headline(sub, period)),
        "trend": trend, "purposes": purposes,
        "areas": _areas(rows, heading=_("Counties"), caption=_("Key figures by county"), area_column=_("County")),
        "tables": _tables(sub, period, PROVINCE_SECTIONS),
    }
