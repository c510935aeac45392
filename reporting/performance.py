"""Quarterly and annual performance reports (seed 000), and the monthly report's document, as PDF and Excel.

Both files come from the same ``reporting.figures.performance`` sections (each figure beside the same period
last year), so the PDF and the workbook never disagree. The PDF is Persian, right to left, with Jalali dates
and Persian digits (Django templates, WeasyPrint); the workbook keeps the numbers as numbers, in a
right-to-left sheet. Registered as the renderer of the monthly, quarterly and annual kinds of
``reporting.runs``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.templatetags.fa import jdatetime, localize_digits, number
from reporting.runs import register_renderer


def _unit_label(unit: str) -> str:
    return {"rials": _("rials"), "count": _("number"), "percent": _("percent"), "days": _("days")}.get(unit, "")


def format_value(value, unit: str) -> str:
    """A figure in Persian digits: rials and counts with thousands separators, percents and days with one
    decimal; an empty dash when undefined."""
    if value is None:
        return "—"
    if unit in ("percent", "days"):
        text = f"{float(value):.1f}"
        return localize_digits(text.replace(".", "٫") if translation.get_language() == "fa" else text)
    return number(value)


def format_change(change) -> str:
    """``+12.5%`` style (Persian digits), or a dash when there is nothing to compare with."""
    if change is None:
        return "—"
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    text = f"{abs(float(change)):.1f}"
    if translation.get_language() == "fa":
        text = text.replace(".", "٫")
    return f"{sign}{localize_digits(text)}٪"


def _change_class(change) -> str:
    if change is None or change == 0:
        return "flat"
    return "up" if change > 0 else "down"


def section_rows(section: dict) -> list[dict]:
    out = []
    for row in section["rows"]:
        unit = row.get("unit", "count")
        item = {"label": row["label"], "unit": _unit_label(unit), "value": format_value(row.get("value"), unit),
                "previous": format_value(row.get("previous"), unit), "change": format_change(row.get("change")),
                "change_class": _change_class(row.get("change"))}
        if section["key"] == "campaigns":
            item["previous"] = format_value(row.get("goal"), "rials")
            item["change"] = format_value(row.get("share"), "percent")
            item["change_class"] = "flat"
        out.append(item)
    return out


def _fonts() -> dict[str, str]:
    fonts = Path(settings.BASE_DIR) / "static" / "fonts" / "vazirmatn"
    return {"font_regular": (fonts / "Vazirmatn-Regular.ttf").as_uri(),
            "font_bold": (fonts / "Vazirmatn-Bold.ttf").as_uri()}


def _title(kind: str) -> str:
    from reporting.models import ReportRun

    return str(ReportRun.Kind(kind).label)


def _charts(scope, period) -> list:
    """The document's charts (server-side SVG from ``reporting.charts``): the monthly trend of the twelve months
    to the period's end, and receipts against aid per purpose."""
    from reporting import charts, figures

    series = figures.monthly_series(scope, period, months=12)
    purposes = figures.by_purpose(scope, period)
    out = [charts.trend_chart(series)]
    if purposes:
        out.append(charts.purpose_chart(purposes))
    return out


def render_html(data: dict, *, kind: str, charts: list, generated_at=None) -> str:
    sections = [{"key": s["key"], "title": s["title"], "columns": s["columns"], "rows": section_rows(s)}
                for s in data["sections"]]
    return render_to_string("reporting/pdf/performance.html", {
        "title": _title(kind), "data": data, "sections": sections, "charts": charts,
        "center_count": number(data.get("center_count", 0)),
        "generated_at": jdatetime(generated_at or timezone.now()), **_fonts(),
    })


def write_pdf(html: str, path: Path) -> Path:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    css = render_to_string("reporting/pdf/performance.css", _fonts())
    # @font-face rules only take effect through a FontConfiguration shared by the stylesheet and the render.
    font_config = FontConfiguration()
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        path, stylesheets=[CSS(string=css, font_config=font_config)], font_config=font_config)
    return path


def write_xlsx(data: dict, *, kind: str, path: Path) -> Path:
    """The same sections as the PDF, one after another in a right-to-left sheet; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = _("Report")[:31]
    ws.sheet_view.rightToLeft = True
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="EEF4F1")
    ws.append([_title(kind)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([data["scope_label"], data["period_label"]])
    ws.append([_("Compared with"), data["previous_label"]])
    for section in data["sections"]:
        ws.append([])
        ws.append([section["title"]])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
        campaigns = section["key"] == "campaigns"
        ws.append([*section["columns"], _("Unit")])
        for cell in ws[ws.max_row]:
            cell.font, cell.fill = bold, head_fill
        for row in section["rows"]:
            unit = row.get("unit", "count")
            if campaigns:
                values = [row.get("value"), row.get("goal"), row.get("share")]
            else:
                values = [row.get("value"), row.get("previous"), row.get("change")]
            ws.append([row["label"], *values, _unit_label(unit)])
            r = ws.max_row
            ws.cell(r, 2).number_format = ws.cell(r, 3).number_format = \
                "#,##0" if unit in ("rials", "count") else "0.0"
            ws.cell(r, 4).number_format = "0.0"
            if campaigns:
                ws.cell(r, 3).number_format = "#,##0"
    ws.column_dimensions["A"].width = 46
    for col in "BCD":
        ws.column_dimensions[col].width = 20
    ws.column_dimensions["E"].width = 10
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(horizontal="right")
    wb.save(path)
    return path


def render_performance(run, progress):
    """The renderer of monthly, quarterly and annual runs: figures → PDF and Excel in the run's workdir."""
    from reporting import figures

    with translation.override(settings.LANGUAGE_CODE):
        scope, period = run.scope, run.period_value
        progress(5, _("Reading the figures"))
        data = figures.performance(scope, period)
        progress(25, _("Drawing the charts"))
        charts = _charts(scope, period)
        progress(40, _("Writing the PDF"))
        pdf = write_pdf(render_html(data, kind=run.kind, charts=charts), progress.workdir / "report.pdf")
        progress(85, _("Writing the Excel workbook"))
        xlsx = write_xlsx(data, kind=run.kind, path=progress.workdir / "report.xlsx")
        progress(95, _("Storing the files"))
    return [pdf, xlsx]


for _kind in ("monthly", "quarterly", "annual"):
    register_renderer(_kind, render_performance)
