"""The yearbook's PDF machinery: HTML to PDF, counting pages, joining sections and stamping footers.

Each section of the book is rendered on its own (by its own task, in whichever worker process is free), so no
process ever holds more than one province's layout in memory. A section cannot know on which page of the book
it will start, so its pages carry no page numbers; once every section is done, ``merge`` joins them with pypdf
and ``stamp_footers`` lays a second, tiny WeasyPrint document over the result: a footer per page («صفحهٔ ۱۲ از
۱۴۰») and nothing else, merged page by page onto the book.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext

CSS_TEMPLATE = "reporting/yearbook/yearbook.css"
FOOTER_CSS_TEMPLATE = "reporting/yearbook/footer.css"


def fonts() -> dict[str, str]:
    """The Vazirmatn files as file URIs, for the stylesheets' @font-face rules."""
    base = Path(settings.BASE_DIR) / "static" / "fonts" / "vazirmatn"
    return {"font_regular": (base / "Vazirmatn-Regular.ttf").as_uri(),
            "font_bold": (base / "Vazirmatn-Bold.ttf").as_uri()}


def html_to_pdf(html: str, *, css_template: str = CSS_TEMPLATE, css_context: dict | None = None) -> bytes:
    """One HTML document as PDF bytes, with the yearbook's print stylesheet."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    with translation.override("fa"):
        css = render_to_string(css_template, {**fonts(), **(css_context or {})})
    # @font-face rules only take effect through a FontConfiguration shared by the stylesheet and the render.
    font_config = FontConfiguration()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=css, font_config=font_config)], font_config=font_config)


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


@dataclass(frozen=True)
class Part:
    """One rendered section in book order: its PDF and the outline entry that points at its first page."""

    pdf: bytes
    title: str


def merge(parts: Iterable[Part]) -> tuple[bytes, list[int]]:
    """Joins the parts into one PDF with an outline (bookmarks) entry per part; returns the PDF and the
    1-based page on which each part starts."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    starts: list[int] = []
    for part in parts:
        start = len(writer.pages)
        starts.append(start + 1)
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
        writer.add_outline_item(title=part.title, page_number=start)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), starts


def footer_overlay(*, total: int, title: str, skip: int = 1) -> bytes:
    """A document of ``total`` empty A4 pages whose footers read «صفحهٔ N از M» (Persian digits) with the book's
    title; the first ``skip`` pages (the cover) stay blank."""
    html = render_to_string("reporting/yearbook/footer.html",
                            {"pages": range(total), "title": title, "skip": skip})
    with translation.override("fa"):
        words = {"page_word": pgettext("page footer: «page» 12 of 140", "page"),
                 "of_word": pgettext("page footer: page 12 «of» 140", "of")}
    return html_to_pdf(html, css_template=FOOTER_CSS_TEMPLATE, css_context=words)


def stamp_footers(book: bytes, *, title: str, skip: int = 1) -> bytes:
    """The book with a footer on every page after the first ``skip``: «صفحهٔ N از M», M the book's length."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(book))
    total = len(reader.pages)
    overlay = PdfReader(io.BytesIO(footer_overlay(total=total, title=title, skip=skip)))
    if len(overlay.pages) != total:
        raise RuntimeError(f"footer overlay has {len(overlay.pages)} pages for a book of {total}")
    writer = PdfWriter(clone_from=reader)
    for number, page in enumerate(writer.pages):
        if number >= skip:
            page.merge_page(overlay.pages[number])
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
