"""Import and export of cash contributions as Excel workbooks (issue 4.8). All or nothing, like the donors'
import (``donors.importing``, whose workbook plumbing this uses): every row is read and checked first, then
all are recorded and confirmed at once through ``contributions_record_cash_batch`` (the rules of
``contribution_record_cash``, set-based writes); one bad row stores nothing and returns an error workbook
naming each bad row and its reason.

Columns (Persian headers): تاریخ (Jalali, Persian or Latin digits), مبلغ (ریال), نیت (code or Persian name),
کانال (code or Persian name; empty is in person), کد ملی خیر (or legal-entity ID) or موبایل خیر (empty for
an anonymous gift, such as a charity box), شماره پیگیری, توضیحات.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from centers.models import Center
from centers.services.lifecycle import require_center_can_operate
from contributions.models import Contribution, Purpose
from core import validators
from core.digits import to_latin_digits
from core.jalali import format_jalali, parse_jalali_date
from donors.importing import (
    Column,
    ImportResult,
    Row,
    read_rows,
    template_workbook,
    text,
    workbook,
)
from donors.models import Donor
from donors.services import donors_of, normalize_name

from .batch import CashGift, contributions_check_cash_batch, contributions_record_cash_batch

MAX_AMOUNT = 10**15

CONTRIBUTION_COLUMNS = (
    Column("received_on", "تاریخ", ("تاریخ دریافت", "تاریخ واریز", "date", "received on"), required=True,
           width=12, example="1404/01/15"),
    Column("amount", "مبلغ (ریال)", ("مبلغ", "مبلغ ریال", "amount", "amount rials"), required=True, width=16,
           example=5_000_000),
    Column("purpose", "نیت", ("نیت خیر", "کد نیت", "purpose", "هدف"), required=True, width=16, example="زکات"),
    Column("channel", "کانال", ("روش پرداخت", "نحوه پرداخت", "روش دریافت", "channel"), width=16,
           example="حضوری"),
    Column("donor_identity", "کد ملی خیر", ("کد ملی", "شناسه ملی", "شناسه ملی خیر", "national code"), width=14,
           example="0012345679"),
    Column("donor_mobile", "موبایل خیر", ("موبایل", "تلفن همراه", "mobile"), width=14),
    Column("external_reference", "شماره پیگیری", ("کد پیگیری", "شماره مرجع", "reference"), width=18),
    Column("note", "توضیحات", ("یادداشت", "شرح", "note"), width=30),
    Column("kind", "نوع مشارکت", ("kind",), width=12),
    Column("donor_name", "نام خیر", ("donor",), width=24),
    Column("status", "وضعیت", ("status",), width=12),
)
EXPORT_EXTRA = ("شماره",)
# Columns of the import file itself; the last three are written by the export and checked or ignored.
TEMPLATE_COLUMNS = CONTRIBUTION_COLUMNS[:-3]

# The Persian names trustees write for each channel, besides its code and its label in either language.
CHANNEL_WORDS = {
    Contribution.Channel.IN_PERSON: ("حضوری", "نقدی حضوری", "دستی"),
    Contribution.Channel.BANK_TRANSFER: ("واریز بانکی", "حواله بانکی", "کارت به کارت", "انتقال بانکی", "بانکی"),
    Contribution.Channel.ONLINE: ("درگاه اینترنتی", "درگاه", "پرداخت اینترنتی", "آنلاین", "اینترنتی"),
    Contribution.Channel.CHARITY_BOX: ("صندوق صدقات", "صندوق", "صندوق نیکوکاری"),
    Contribution.Channel.PAYROLL: ("کسر از حقوق", "کسر حقوق"),
    Contribution.Channel.SMS_USSD: ("پیامک", "پیامکی", "کد دستوری", "ussd", "sms"),
}
CHANNEL_PERSIAN = {code: words[0] for code, words in CHANNEL_WORDS.items()}
STATUS_PERSIAN = {"recorded": "ثبت‌شده", "confirmed": "تأییدشده", "reversed": "برگشت‌خورده"}
CASH_WORDS = {normalize_name(w) for w in ("cash", "نقدی", "نقد")}
REVERSED_WORDS = {normalize_name(w) for w in ("reversed", "برگشت‌خورده", "برگشتی")}
KIND_PERSIAN = {"cash": "نقدی", "in_kind": "غیرنقدی", "service": "خدماتی", "construction": "ساخت"}


def _channels() -> dict[str, str]:
    table = {}
    for code, words in CHANNEL_WORDS.items():
        for word in (code, *words):
            table[normalize_name(word)] = code
        for language in ("fa", "en"):
            with translation.override(language):
                table[normalize_name(str(Contribution.Channel(code).label))] = code
    return table


def _purposes() -> dict[str, Purpose]:
    table = {}
    for purpose in Purpose.objects.all():
        table[normalize_name(purpose.code)] = purpose
        table[normalize_name(purpose.name)] = purpose
    return table


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if value is None or value == "":
        raise ValidationError(_("The date is missing."), code="bad_date")
    try:
        return parse_jalali_date(str(value))
    except (ValueError, TypeError, OverflowError):
        raise ValidationError(_("“%(value)s” is not a Jalali date such as 1404/01/15.") % {"value": value},
                              code="bad_date") from None


def _amount(value) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        amount = value
    elif isinstance(value, str):
        cleaned = to_latin_digits(value)
        for mark in (",", "٬", "،", " ", "\u200c", "ریال", "rials", "rial"):
            cleaned = cleaned.replace(mark, "")
        amount = int(cleaned) if cleaned.isascii() and cleaned.isdigit() else None
    else:
        amount = None
    if amount is None or not 0 < amount <= MAX_AMOUNT:
        raise ValidationError(_("The amount must be a positive whole number of rials."), code="bad_amount")
    return amount


def _donor(center: Center, identity, mobile) -> Donor | None:
    """The donor a row names by national code (or legal-entity ID), else by mobile; None when both are
    empty (an anonymous gift). A national code the organisation knows may be of a donor not yet linked to
    this center: recording the gift links them, as at the counter."""
    identity, mobile = text(identity), text(mobile)
    if identity:
        digits = "".join(ch for ch in to_latin_digits(identity) if ch.isdigit())
        if len(digits) == 11:
            code, field = validators.normalize_legal_entity_id(digits), "legal_entity_id"
        else:
            code, field = validators.normalize_national_code(identity), "national_code"
        # reviewed: identity numbers are unique per organisation; only the one matching donor is read.
        donor = Donor._base_manager.filter(organization_id=center.organization_id, merged_into__isnull=True,
                                           **{field: code}).first()
        if donor is None:
            raise ValidationError(_("No donor with national code or ID %(code)s; import or register the donor "
                                    "first.") % {"code": code}, code="unknown_donor")
        return donor
    if mobile:
        number = validators.normalize_mobile(mobile)
        matches = list(donors_of(center).filter(mobile=number)[:2])
        if not matches:
            raise ValidationError(_("No donor of this center has mobile %(mobile)s; register the donor first.")
                                  % {"mobile": number}, code="unknown_donor")
        if len(matches) > 1:
            raise ValidationError(_("Several donors share mobile %(mobile)s; give the national code instead.")
                                  % {"mobile": number}, code="ambiguous_donor")
        return matches[0]
    return None


def _name_rows(rows: list[Row], errors: dict[int, list[ValidationError]]) -> None:
    """The batch's errors, by index in ``rows``, onto the rows they are about."""
    for index, problems in errors.items():
        rows[index].errors.extend(ValidationError(problems).messages)


def contributions_template() -> bytes:
    return template_workbook(_("Contributions"), TEMPLATE_COLUMNS)


@transaction.atomic
def contributions_import(*, center: Center, upload, user=None) -> ImportResult:
    """Records and confirms the cash contributions of a workbook at ``center``, all or nothing.
    ``counts``: ``stored`` and ``total`` (rials)."""
    require_center_can_operate(center)
    rows = read_rows(upload, CONTRIBUTION_COLUMNS)
    purposes, channels = _purposes(), _channels()
    references: dict[str, int] = {}
    prepared: dict[int, dict] = {}
    for row in rows:
        values, errors, data = row.values, row.errors, {}
        kind = normalize_name(text(values.get("kind")))
        if kind and kind not in CASH_WORDS:
            errors.append(_("Only cash contributions can be imported."))
        if normalize_name(text(values.get("status"))) in REVERSED_WORDS:
            errors.append(_("A reversed contribution is not imported; remove the row."))
        for key, parse in (("received_on", _date), ("amount", _amount)):
            try:
                data[key] = parse(values.get(key))
            except ValidationError as exc:
                errors.extend(exc.messages)
        purpose = purposes.get(normalize_name(text(values.get("purpose"))))
        if purpose is None:
            errors.append(_("Unknown purpose “%(value)s”.") % {"value": text(values.get("purpose"))})
        data["purpose"] = purpose
        channel_text = text(values.get("channel"))
        data["channel"] = channels.get(normalize_name(channel_text)) if channel_text else "in_person"
        if data["channel"] is None:
            errors.append(_("Unknown channel “%(value)s”.") % {"value": channel_text})
        try:
            data["donor"] = _donor(center, values.get("donor_identity"), values.get("donor_mobile"))
        except ValidationError as exc:
            errors.extend(exc.messages)
        reference = text(values.get("external_reference"))
        if reference:
            if reference in references:
                errors.append(_("The same tracking number is also in row %(row)d.")
                              % {"row": references[reference]})
            references.setdefault(reference, row.number)
        data["external_reference"] = reference[:64]
        data["note"] = text(values.get("note"))[:255]
        prepared[row.number] = data

    # The rows that read well are checked together by the batch service (stored references, campaigns,
    # donors: the rules of a single gift), so every bad row is named; then stored in one batch, or not at all.
    good = [row for row in rows if not row.errors]
    gifts = [CashGift(**prepared[row.number]) for row in good]
    _checked, errors = contributions_check_cash_batch(center=center, gifts=gifts)
    _name_rows(good, errors)
    counts = {}
    if not any(row.errors for row in rows):
        try:
            stored = contributions_record_cash_batch(center=center, gifts=gifts, user=user)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            _name_rows(good, exc.error_dict)  # a gift recorded meanwhile by someone else; nothing stored
        else:
            counts = {"stored": len(stored), "total": sum(c.amount for c in stored)}
    result = ImportResult(CONTRIBUTION_COLUMNS, rows, counts)
    if not result.ok:
        result.counts = {}
    return result


def contributions_export(*, center: Center, start: datetime.date | None = None,
                         end: datetime.date | None = None) -> bytes:
    """The center's contributions (every kind and status), newest first, with Jalali dates; the columns of
    the import come first, so confirmed cash rows import again."""
    queryset = (Contribution.objects.filter(center=center).select_related("purpose", "donor")
                .order_by("-received_on", "-pk"))
    if start:
        queryset = queryset.filter(received_on__gte=start)
    if end:
        queryset = queryset.filter(received_on__lte=end)

    def rows():
        for c in queryset.iterator(chunk_size=2000):
            donor = c.donor
            yield [format_jalali(c.received_on, persian_digits=False), c.amount, c.purpose.name,
                   CHANNEL_PERSIAN.get(c.channel, c.channel),
                   (donor.national_code or donor.legal_entity_id) if donor else "", donor.mobile if donor else "",
                   c.external_reference, c.note, KIND_PERSIAN.get(c.kind, c.kind),
                   donor.display_name if donor else "", STATUS_PERSIAN.get(c.status, c.status), c.pk]

    headers = [*(c.header for c in CONTRIBUTION_COLUMNS), *EXPORT_EXTRA]
    return workbook(_("Contributions"), headers, rows(), widths=[*(c.width for c in CONTRIBUTION_COLUMNS), 8],
                    money_columns=[1])

