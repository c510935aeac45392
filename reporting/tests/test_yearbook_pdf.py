"""The yearbook's PDF machinery on its own: parts joined in order with an outline, «صفحهٔ N از M» footers on every
page but the cover, with Persian digits."""

import io

from pypdf import PdfReader

from core.digits import to_persian_digits
from reporting.tests.pdftext import numbers, page_text
from reporting.yearbook.pdf import Part, html_to_pdf, merge, page_count, stamp_footers


def _doc(title: str, pages: int) -> bytes:
    body = "".join(f'<div style="break-after: page">{title} {i}</div>' for i in range(pages - 1))
    return html_to_pdf(f'<html lang="fa" dir="rtl"><body>{body}<div>{title} پایان</div></body></html>')



def test_parts_are_joined_in_order_with_their_first_pages_and_an_outline():
    parts = [Part(_doc("جلد", 1), "جلد"), Part(_doc("خلاصه", 3), "خلاصهٔ ملی"), Part(_doc("اصفهان", 2), "استان اصفهان")]
    assert [page_count(p.pdf) for p in parts] == [1, 3, 2]
    book, starts = merge(parts)
    reader = PdfReader(io.BytesIO(book))
    assert len(reader.pages) == 6
    assert starts == [1, 2, 5]
    assert "اصفهان" in reader.pages[4].extract_text()
    assert [(item.title, reader.get_destination_page_number(item)) for item in reader.outline] == [
        ("جلد", 0), ("خلاصهٔ ملی", 1), ("استان اصفهان", 4)]


def test_footers_number_every_page_but_the_cover_with_persian_digits():
    book, _ = merge([Part(_doc("جلد", 1), "جلد"), Part(_doc("فصل", 11), "فصل")])
    stamped_pdf = stamp_footers(book, title="سالنامهٔ آماری", skip=1)
    stamped = PdfReader(io.BytesIO(stamped_pdf))
    assert len(stamped.pages) == 12
    assert numbers(page_text(stamped_pdf, 1)) == []  # the cover has no footer
    for index in range(1, 12):
        text = stamped.pages[index].extract_text()
        # the page's own words («فصل 3») plus the footer's «صفحهٔ N از 12»
        assert {index + 1, 12} <= set(numbers(page_text(stamped_pdf, index + 1))), (index, text)
        assert to_persian_digits(12) in page_text(stamped_pdf, index + 1) and "12" not in text
        assert "سالنامهٔ آماری" in text
