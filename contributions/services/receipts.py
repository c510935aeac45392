"""Receipts: issuing (numbered per center and Jalali year, without gaps), verifying, printing, and the donor's
annual statement.

- ``receipt_issue`` is called by ``contribution_confirm`` inside its transaction: the number is taken from
  the center's ``ReceiptCounter`` row for the Jalali year of issue with one upsert that holds the row lock
  until commit, so concurrent confirmations get consecutive numbers and a confirmation that rolls back
  leaves no gap. A new Jalali year starts a new series at 1.
- ``receipt_verify`` finds a receipt by the code printed on it and checks the code against the receipt's
  facts with a constant-time comparison (the code is an HMAC of those facts under ``RECEIPT_VERIFICATION_KEY``).
- ``receipt_print`` counts prints; every print after the first is marked as a duplicate (المثنی).
- ``receipt_pdf`` and ``donor_statement_pdf`` render Persian, right-to-left PDFs (WeasyPrint, Vazirmatn) and
  return ``(filename, content_type, bytes)``.
"""

from __future__ import annotations

import base64
import datetime
import hmac
import io
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from centers.models import Center
from centers.services.lifecycle import require_center_can_operate
from contributions.models import Contribution, Receipt, ReceiptCounter
from core.digits import format_number_fa, to_latin_digits, to_persian_digits
from core.jalali import JalaliPeriod, to_jalali

# Crockford's base32: no I, L, O or U, so a code read aloud or typed by hand is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 bits of the HMAC: unguessable, and still short enough to type
_CODE_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})

MIN_STATEMENT_YEAR, MAX_STATEMENT_YEAR = 1300, 1500


# --- the verification code -------------------------------------------------------------------------------

def _verification_key() -> bytes:
    """``RECEIPT_VERIFICATION_KEY`` when set (production should set it: then rotating ``SECRET_KEY`` does not
    void every printed receipt), otherwise a key derived from ``SECRET_KEY``."""
    configured = getattr(settings, "RECEIPT_VERIFICATION_KEY", "")
    if configured:
        return configured.encode()
    return salted_hmac("contributions.receipts", "verification-key", algorithm="sha256").digest()


def _facts(*, center_id: int, jalali_year: int, number: int, contribution: Contribution) -> bytes:
    """What a receipt vouches for. The donor is left out on purpose: merging duplicate donors moves gifts to
    the kept donor, and their receipts must stay valid."""
    return "|".join(str(part) for part in (
        "receipt-v1", center_id, jalali_year, number, contribution.pk, contribution.amount,
        contribution.received_on.isoformat(), contribution.purpose_id, contribution.kind,
    )).encode()


def _encode(digest: bytes) -> str:
    value = int.from_bytes(digest[:CODE_LENGTH * 5 // 8], "big")
    chars = []
    for _i in range(CODE_LENGTH):
        chars.append(CODE_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def compute_code(*, center_id: int, jalali_year: int, number: int, contribution: Contribution) -> str:
    mac = hmac.new(_verification_key(), _facts(center_id=center_id, jalali_year=jalali_year, number=number,
                                                contribution=contribution), sha256)
    return _encode(mac.digest())


def normalise_code(code: str) -> str | None:
    """The code as stored (16 characters of Crockford's alphabet), from what a person typed: Persian or Arabic
    digits, lower case, spaces and dashes are accepted. None when it cannot be a code at all."""
    if not isinstance(code, str) or len(code) > 64:
        return None
    text = to_latin_digits(code).upper().translate(_CODE_CONFUSABLES)
    text = "".join(ch for ch in text if ch not in " -_\u200c\t")
    if len(text) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in text):
        return None
    return text


# --- issuing -----------------------------------------------------------------------------------------------

def _next_number(center_id: int, jalali_year: int) -> int:
    """Takes the next number of the center's series for the year. The upsert locks the counter row until the
    transaction ends: the next issuer waits, and a rollback returns the number (no gap, no repeat)."""
    table = ReceiptCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (center_id, jalali_year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (center_id, jalali_year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number", [center_id, jalali_year])
        return cursor.fetchone()[0]


def _reserve_numbers(center_id: int, jalali_year: int, n: int) -> range:
    """Takes the next ``n`` numbers of the center's series for the year at once (a batch of gifts): the same
    upsert as ``_next_number`` with ``+ n``, holding the counter row's lock until the transaction ends, so
    the numbers are consecutive, and a rollback returns them all."""
    if n <= 0:
        return range(0)
    table = ReceiptCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (center_id, jalali_year, last_number) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (center_id, jalali_year) DO UPDATE SET last_number = {table}.last_number + %s "
            "RETURNING last_number", [center_id, jalali_year, n, n])
        last = cursor.fetchone()[0]
    return range(last - n + 1, last + 1)


@transaction.atomic
def receipt_issue(*, contribution: Contribution, user=None, issued_at: datetime.datetime | None = None
                  ) -> Receipt:
    """Issues the receipt of a confirmed contribution (once: a second call returns the same receipt).

    Called by ``contribution_confirm`` in its own transaction, so a confirmation that fails takes its
    receipt number back with it. The Jalali year is the year of issue (Tehran time): a series, once a year
    has ended, is never extended.
    """
    require_center_can_operate(contribution.center)
    existing = Receipt.objects.filter(contribution_id=contribution.pk).first()
    if existing is not None:
        return existing
    if contribution.status != Contribution.Status.CONFIRMED:
        raise ValidationError(_("Only a confirmed contribution gets a receipt."), code="receipt_not_confirmed")
    issued_at = issued_at or timezone.now()
    year = to_jalali(timezone.localtime(issued_at).date()).year
    number = _next_number(contribution.center_id, year)
    return Receipt.objects.create(
        center_id=contribution.center_id, contribution=contribution, jalali_year=year, number=number,
        verification_code=compute_code(center_id=contribution.center_id, jalali_year=year, number=number,
                                       contribution=contribution),
        issued_at=issued_at, issued_by=user)


# --- verifying ---------------------------------------------------------------------------------------------

def receipt_verify(code: str) -> Receipt | None:
    """The receipt this code was printed on, or None: for a code that no receipt has, and for a receipt whose
    facts no longer match its code (changed behind the services' back)."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    with scopes_disabled():  # reviewed: reads exactly the one receipt whose unguessable code was given
        receipt = (Receipt.objects.filter(verification_code=normalised)
                   .select_related("center__organization", "contribution__purpose", "contribution__donor")
                   .first())
    if receipt is None:
        return None
    expected = compute_code(center_id=receipt.center_id, jalali_year=receipt.jalali_year, number=receipt.number,
                            contribution=receipt.contribution)
    if not (hmac.compare_digest(expected, normalised) and hmac.compare_digest(receipt.verification_code, expected)):
        return None
    return receipt


@dataclass(frozen=True)
class PublicReceipt:
    """What the public verification page and endpoint may show of a receipt: nothing more."""

    number: str
    code: str
    center_name: str
    organization_name: str
    amount: int
    received_on: datetime.date
    issued_at: datetime.datetime
    purpose: str
    kind: str
    donor_name: str | None  # only when the donor allowed it
    void: bool


def public_facts(receipt: Receipt) -> PublicReceipt:
    contribution = receipt.contribution
    donor = contribution.donor
    return PublicReceipt(
        number=receipt.display_number, code=receipt.display_code, center_name=receipt.center.name,
        organization_name=receipt.center.organization.name, amount=contribution.amount,
        received_on=contribution.received_on, issued_at=receipt.issued_at, purpose=contribution.purpose.name,
        kind=contribution.get_kind_display(),
        donor_name=donor.display_name if donor is not None and donor.name_on_receipt else None,
        void=contribution.status == Contribution.Status.REVERSED)


def receipt_verification_url(receipt: Receipt, *, base_url: str | None = None) -> str:
    """The absolute address of the receipt's public verification page (what its QR code opens):
    ``PORTAL_BASE_URL`` when set, else ``base_url`` (the address the request came to)."""
    base = (getattr(settings, "PORTAL_BASE_URL", "") or base_url or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("contributions:receipt-verify-code", kwargs={"receipt_code": receipt.verification_code})


# --- printing ----------------------------------------------------------------------------------------------

@transaction.atomic
def receipt_print(*, receipt: Receipt, user=None, base_url: str | None = None) -> tuple[str, str, bytes]:
    """Prints a receipt and counts the print: the first print is the original, every later one is marked
    as a duplicate (المثنی). Allowed while the center cannot operate too: a donor may need a copy of a
    receipt issued before a suspension, and printing changes no money."""
    locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
    reprint = locked.print_count > 0
    Receipt.objects.filter(pk=locked.pk).update(print_count=F("print_count") + 1, last_printed_at=timezone.now(),
                                                last_printed_by=user)
    locked.refresh_from_db()
    return receipt_pdf(locked, reprint=reprint, base_url=base_url)


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URI (drawn here, no outside service)."""
    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _fa_date(value: datetime.date) -> str:
    j = to_jalali(value)
    return to_persian_digits(f"{j.year}/{j.month:02d}/{j.day:02d}")


def _fonts() -> dict[str, str]:
    fonts = Path(settings.BASE_DIR) / "static" / "fonts" / "vazirmatn"
    return {"font_regular": (fonts / "Vazirmatn-Regular.ttf").as_uri(),
            "font_bold": (fonts / "Vazirmatn-Bold.ttf").as_uri()}


def render_receipt_html(receipt: Receipt, *, reprint: bool, base_url: str | None = None) -> str:
    """The receipt's HTML before it becomes a PDF (tests read it; the PDF is made from exactly this)."""
    contribution = receipt.contribution
    url = receipt_verification_url(receipt, base_url=base_url)
    with translation.override("fa"):
        donor = contribution.donor
        context = {
            "receipt": receipt, "contribution": contribution, "center": receipt.center,
            "organization": receipt.center.organization,
            "number": to_persian_digits(receipt.display_number),
            "issued_on": _fa_date(timezone.localtime(receipt.issued_at).date()),
            "received_on": _fa_date(contribution.received_on),
            "amount": format_number_fa(contribution.amount),
            "amount_words": amount_in_words(contribution.amount),
            "donor_name": donor.display_name if donor is not None else "",
            "lines": [{"description": line.description,
                       "quantity": to_persian_digits(format(line.quantity.normalize(), "f")),
                       "unit": line.get_unit_display(), "value": format_number_fa(line.value)}
                      for line in contribution.lines.all()] if contribution.kind == "in_kind" else [],
            "reprint": reprint, "print_count": to_persian_digits(receipt.print_count),
            "void": contribution.status == Contribution.Status.REVERSED,
            "code": receipt.display_code, "verify_url": url, "qr": qr_data_uri(url),
            **_fonts(),
        }
        return render_to_string("contributions/receipts/receipt.html", context)


def _pdf(html: str, css_template: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    with translation.override("fa"):
        css = render_to_string(css_template, _fonts())
    # @font-face rules only take effect through a FontConfiguration shared by the stylesheet and the render.
    font_config = FontConfiguration()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=css, font_config=font_config)], font_config=font_config)


def receipt_pdf(receipt: Receipt, *, reprint: bool, base_url: str | None = None) -> tuple[str, str, bytes]:
    """The receipt as a Persian, right-to-left PDF: ``(filename, content_type, bytes)``. Does not count the
    print; ``receipt_print`` does."""
    html = render_receipt_html(receipt, reprint=reprint, base_url=base_url)
    suffix = "-duplicate" if reprint else ""
    return (f"receipt-{receipt.display_number}{suffix}.pdf", "application/pdf",
            _pdf(html, "contributions/receipts/document.css"))


# --- the donor's annual statement --------------------------------------------------------------------------

@dataclass
class Statement:
    donor: object
    jalali_year: int
    rows: list[Contribution] = field(default_factory=list)
    totals: list[tuple[str, int]] = field(default_factory=list)  # (purpose name, rials), largest first
    total: int = 0


def _check_year(jalali_year) -> int:
    if isinstance(jalali_year, bool) or not isinstance(jalali_year, int) or \
            not MIN_STATEMENT_YEAR <= jalali_year <= MAX_STATEMENT_YEAR:
        raise ValidationError(_("Choose a Jalali year between %(min)s and %(max)s.")
                              % {"min": MIN_STATEMENT_YEAR, "max": MAX_STATEMENT_YEAR}, code="bad_year")
    return jalali_year


def donor_statement(*, donor, jalali_year: int, centers) -> Statement:
    """The donor's confirmed contributions received in the Jalali year at these centers (a reversed gift is
    not a gift), with totals per purpose."""
    start, end = JalaliPeriod.for_year(_check_year(jalali_year)).date_range()
    center_ids = [c.pk if isinstance(c, Center) else int(c) for c in centers]
    rows = list(Contribution.objects.filter(
        donor=donor, center_id__in=center_ids, status=Contribution.Status.CONFIRMED,
        received_on__gte=start, received_on__lt=end,
    ).select_related("purpose", "center", "receipt").order_by("received_on", "pk"))
    by_purpose: dict[str, int] = {}
    for row in rows:
        by_purpose[row.purpose.name] = by_purpose.get(row.purpose.name, 0) + row.amount
    totals = sorted(by_purpose.items(), key=lambda item: (-item[1], item[0]))
    return Statement(donor=donor, jalali_year=jalali_year, rows=rows, totals=totals,
                     total=sum(by_purpose.values()))


def render_statement_html(statement: Statement, *, centers) -> str:
    with translation.override("fa"):
        center_list = [c for c in centers if isinstance(c, Center)]
        context = {
            "statement": statement, "donor": statement.donor, "centers": center_list,
            "many_centers": len(center_list) > 1,
            "year": to_persian_digits(statement.jalali_year),
            "rows": [{"date": _fa_date(r.received_on), "center": r.center.name, "kind": r.get_kind_display(),
                      "purpose": r.purpose.name, "amount": format_number_fa(r.amount),
                      "receipt": to_persian_digits(r.receipt.display_number) if hasattr(r, "receipt") else "—"}
                     for r in statement.rows],
            "totals": [(name, format_number_fa(amount)) for name, amount in statement.totals],
            "total": format_number_fa(statement.total), "count": to_persian_digits(len(statement.rows)),
            "total_words": amount_in_words(statement.total),
            "printed_on": _fa_date(timezone.localdate()),
            **_fonts(),
        }
        return render_to_string("contributions/receipts/statement.html", context)


def donor_statement_pdf(donor, jalali_year: int, centers) -> tuple[str, str, bytes]:
    """The donor's annual statement as a Persian PDF: ``(filename, content_type, bytes)``."""
    centers = list(centers)
    statement = donor_statement(donor=donor, jalali_year=jalali_year, centers=centers)
    html = render_statement_html(statement, centers=centers)
    return (f"statement-{jalali_year}-donor-{donor.pk}.pdf", "application/pdf",
            _pdf(html, "contributions/receipts/document.css"))


# --- amounts in words ---------------------------------------------------------------------------------------

_ONES = ["", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"]
_TEENS = ["ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده"]
_TENS = ["", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"]
_HUNDREDS = ["", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد"]
_SCALES = ["", "هزار", "میلیون", "میلیارد", "هزار میلیارد", "میلیون میلیارد"]


def _below_thousand(n: int) -> str:
    parts = []
    if n >= 100:
        parts.append(_HUNDREDS[n // 100])
        n %= 100
    if 10 <= n < 20:
        parts.append(_TEENS[n - 10])
    else:
        if n >= 20:
            parts.append(_TENS[n // 10])
        if n % 10:
            parts.append(_ONES[n % 10])
    return " و ".join(parts)


def amount_in_words(amount: int) -> str:
    """A whole number of rials in Persian words, as receipts write it beside the figure:
    ``125000`` → «صد و بیست و پنج هزار ریال». The receipt is a Persian document in either interface
    language, so the words are Persian."""
    if amount == 0:
        return "صفر ریال"
    groups = []
    n, scale = abs(amount), 0
    while n:
        n, chunk = divmod(n, 1000)
        if chunk:
            words = _below_thousand(chunk)
            groups.append(f"{words} {_SCALES[scale]}".strip() if scale < len(_SCALES) else words)
        scale += 1
    text = " و ".join(reversed(groups))
    return f"{'منفی ' if amount < 0 else ''}{text} ریال"
