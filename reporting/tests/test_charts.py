"""Server-side SVG charts: Persian text shaped and in visual order, no inline style, same look in PDF and browser.

The rendered charts are saved as PNGs in ``test-artifacts/charts/`` (WeasyPrint page via pdftoppm, and a
Chromium screenshot) for a human to compare.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from reporting import charts
from reporting.charts import Series, bar_chart, donut_chart, hbar_chart, line_chart
from reporting.shaping import for_svg, shape_letters, visual_order

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "charts"
SVG = "{http://www.w3.org/2000/svg}"
PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآئ"
MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]


def _form(ch: str) -> str:
    """'initial', 'medial', 'final' or 'isolated', from the presentation form's Unicode name."""
    return unicodedata.name(ch).rsplit(" ", 2)[-2].lower()


def test_letters_take_their_joining_forms():
    shaped = shape_letters("سلام")  # sin joins on, lam-alef is one ligature, mim ends the word
    assert [_form(ch) for ch in shaped] == ["initial", "final", "isolated"]
    assert unicodedata.normalize("NFKC", shaped) == "سلام"
    # دار: dal and alef never join to the letter after them, so all three stand alone.
    assert [_form(ch) for ch in shape_letters("دار")] == ["isolated", "isolated", "isolated"]
    assert [_form(ch) for ch in shape_letters("پیک")] == ["initial", "medial", "final"]


def test_half_space_breaks_the_join_and_disappears():
    shaped = shape_letters("سه\u200cماهه")
    assert "\u200c" not in shaped
    assert [_form(ch) for ch in shaped] == ["initial", "final", "initial", "final", "initial", "final"]


@given(st.lists(st.text(alphabet=PERSIAN_LETTERS, min_size=1, max_size=8), min_size=1, max_size=4))
def test_visual_order_is_the_reversed_text_for_words(words):
    text = " ".join(words)
    visual = for_svg(text)
    assert unicodedata.normalize("NFKC", visual[::-1]) == text
    assert all(unicodedata.bidirectional(ch) in ("AL", "WS") for ch in visual)


def test_numbers_keep_their_order_inside_persian_text():
    assert visual_order("مهر ۱۴۰۴") == "۱۴۰۴ رهم"
    assert visual_order("جمع ۱۲٬۳۴۵ ریال") == "لایر ۱۲٬۳۴۵ عمج"
    assert visual_order("تغییر -۱۲٪") == "-۱۲٪ رییغت"
    # Brackets at a right-to-left level are mirrored, so they still enclose the word.
    assert visual_order("(نقدی)") == "(یدقن)"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def _sample_charts() -> dict[str, str]:
    labels = [f"{m} ۱۴۰۴" for m in MONTHS]
    received = [120_000_000 * (i % 5 + 3) for i in range(12)]
    aid = [90_000_000 * (i % 4 + 2) for i in range(12)]
    last_year = [None if i == 4 else 100_000_000 * (i % 3 + 2) for i in range(12)]
    return {
        "line": line_chart(labels, [Series("دریافتی", received), Series("کمک‌های پرداختی", aid),
                                    Series("دریافتی سال گذشته", last_year, secondary=True)],
                           title="روند ماهانه (ریال)"),
        "bar": bar_chart(MONTHS[:3], [Series("امسال", received[:3]), Series("پارسال", aid[:3], secondary=True)],
                         title="مقایسه سه‌ماهه"),
        "hbar": hbar_chart(["اطعام و کمک معیشتی", "درمان", "جهیزیه", "تحصیل ایتام"],
                           [Series("دریافتی", [5e9, 2e9, 1.2e9, 7e8]), Series("هزینه‌شده", [4e9, 2.5e9, 1e9, 0])],
                           title="به تفکیک مصرف (ریال)"),
        "donut": donut_chart([("نقدی", 700), ("غیرنقدی", 200), ("خدماتی", 100)], title="سهم انواع مشارکت"),
    }


def test_charts_are_plain_svg_with_shaped_text_and_no_inline_style():
    for kind, svg in _sample_charts().items():
        root = _parse(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("class") == f"chart chart-{kind}"
        assert root.get("role") == "img" and root.get("aria-label")
        for element in root.iter():
            assert "style" not in element.attrib, kind
            assert element.tag not in (f"{SVG}style", f"{SVG}script"), kind
            assert not any(name.startswith("on") for name in element.attrib), kind
        texts = list(root.iter(f"{SVG}text"))
        assert texts, kind
        for text in texts:
            assert text.get("direction") == "ltr" and text.get("unicode-bidi") == "bidi-override"
            # No Arabic-script letter is left unshaped: all are presentation forms or digits.
            assert not any("\u0621" <= ch <= "\u064a" or ch in "پچژکگی" for ch in text.text or ""), text.text
        assert not any(ch in "0123456789" for t in texts for ch in (t.text or "")), kind


def test_line_chart_draws_a_point_per_value_and_breaks_at_gaps():
    labels = MONTHS[:6]
    svg = _parse(line_chart(labels, [Series("الف", [1, 2, None, 4, 5, 6]), Series("ب", [6, 5, 4, 3, 2, 1])]))
    assert len(list(svg.iter(f"{SVG}circle"))) == 5 + 6
    assert len(list(svg.iter(f"{SVG}polyline"))) == 3  # the first series in two pieces
    # Right to left: the first month's point is the rightmost one.
    xs = [float(c.get("cx")) for c in svg.iter(f"{SVG}circle")][5:]
    assert xs == sorted(xs, reverse=True)


def test_bars_are_as_long_as_their_values():
    svg = _parse(hbar_chart(["یک", "دو", "سه"], [Series("", [100, 50, 25])]))
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.02) == pytest.approx(4 * widths[2], rel=0.02)
    bars = _parse(bar_chart(["یک", "دو"], [Series("", [30, 10])]))
    heights = [float(r.get("height")) for r in bars.iter(f"{SVG}rect")]
    assert heights[0] == pytest.approx(3 * heights[1], rel=0.02)


def test_empty_data_says_so():
    with translation.override("en"):
        svg = _parse(line_chart(MONTHS, [Series("الف", [None] * 12)], title="عنوان"))
        shown = [t.text for t in svg.iter(f"{SVG}text")]
        assert "No data for this period." in shown  # left to right in English
    with translation.override("fa"):
        svg = _parse(line_chart(MONTHS, [Series("الف", [None] * 12)], title="عنوان"))
        message = translation.gettext("No data for this period.")
        assert for_svg(message, rtl=True) in [t.text for t in svg.iter(f"{SVG}text")]


def test_english_text_reads_left_to_right_and_persian_right_to_left():
    assert visual_order("Monthly trend (rials)", rtl=False) == "Monthly trend (rials)"
    assert visual_order("ABC 12 سلام", rtl=True) == "مالس ABC 12"
    assert visual_order("ABC 12 سلام", rtl=False) == "ABC 12 مالس"


def test_compact_numbers_use_persian_digits():
    with translation.override("en"):
        assert charts.compact_number(1_200_000_000) == "۱\u066b۲ billion"
        assert charts.compact_number(350_000_000) == "۳۵۰ million"
        assert charts.compact_number(850) == "۸۵۰"
    assert charts.percent(12.0) == "+۱۲\u066a"
    assert charts.percent(-3.5) == "-۳\u066b۵\u066a"
    assert charts.percent(None) == ""


def _page(svgs: dict[str, str]) -> str:
    fonts = Path(settings.BASE_DIR) / "static" / "fonts" / "vazirmatn"
    regular, bold = (fonts / "Vazirmatn-Regular.ttf").as_uri(), (fonts / "Vazirmatn-Bold.ttf").as_uri()
    return (
        '<html lang="fa" dir="rtl"><head><meta charset="utf-8"><style>'
        f'@font-face {{ font-family: "Vazirmatn"; src: url("{regular}"); }}'
        f'@font-face {{ font-family: "Vazirmatn"; font-weight: bold; src: url("{bold}"); }}'
        "body { font-family: Vazirmatn; margin: 0; } .chart { display: block; margin: 6px; }"
        "</style></head><body>" + "".join(svgs.values()) + "</body></html>"
    )


def test_weasyprint_draws_the_charts(tmp_path):
    from weasyprint import HTML

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = tmp_path / "charts.pdf"
    with translation.override("fa"):
        html = _page(_sample_charts())
    HTML(string=html).write_pdf(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / "weasyprint")], check=True)
        assert list(ARTIFACTS.glob("weasyprint-*.png"))
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Vazirmatn" in fonts


@pytest.mark.browser
def test_chromium_draws_the_same_charts():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 680, "height": 900})
        with translation.override("fa"):
            html = _page(_sample_charts())
        page.set_content(html)
        page.wait_for_timeout(200)
        # The browser must not reorder the prepared text: bidi-override keeps it as given.
        title = page.locator("svg.chart-line text").first
        assert title.evaluate("e => getComputedStyle(e).unicodeBidi") == "bidi-override"
        assert title.evaluate("e => getComputedStyle(e).direction") == "ltr"
        page.screenshot(path=str(ARTIFACTS / "chromium.png"), full_page=True)
        browser.close()
