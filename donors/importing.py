"""Import and export of donors as Excel workbooks (issue 4.8), and the workbook plumbing the contributions
import (``contributions.services.importing``) shares.

An import is all or nothing: every row is checked (with the same services a trustee's form uses, each row in
its own savepoint so one bad row does not hide the next), and if any row is bad the whole batch is rolled
back and an error workbook comes back with each bad row, its row number in the uploaded sheet and the
reason. Only a file whose every row is good is stored, in one transaction.

Headers are Persian (the file format trustees already keep); English and common alternative headers are
accepted too, in any order, and unknown columns are ignored, so an exported list imports again. Dates are
Jalali, in Persian or Latin digits. Limits: 5 MB and 5,000 rows; anything that is not an Excel workbook is a
clear error, never a crash.
"""

from __future__ import annotations

import datetime
import io
import logging
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from centers.models import Center
from centers.services.lifecycle import require_center_can_operate
from core.jalali import format_jalali

from .models import Donor, DonorLink, ImportRun
from .services import _clean_fields, clean_text, donor_create, donors_of, normalize_name

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_UNCOMPRESSED = 80 * 1024 * 1024  # a 5 MB zip that unpacks to more than this is not a spreadsheet
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_HEADER = "ردیف"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Persian header written in templates and exports
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int = 18
    example: object = ""

    def names(self) -> set[str]:
        return {normalize_name(n) for n in (self.header, self.key, *self.aliases)}


@dataclass
class Row:
    number: int  # the row number in the sheet, as Excel shows it
    values: dict
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did: ``ok`` with counts, or the bad rows (and nothing stored)."""

    columns: tuple[Column, ...]
    rows: list[Row]
    counts: dict = field(default_factory=dict)

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.bad_rows

    def error_workbook(self) -> bytes:
        """The bad rows with their row numbers and reasons, in the columns of the upload."""
        headers = [ROW_HEADER, _("Reason"), *(c.header for c in self.columns)]
        rows = ([row.number, "؛ ".join(row.errors), *(_export_value(row.values.get(c.key)) for c in self.columns)]
                for row in self.bad_rows)
        return workbook(_("Rejected rows"), headers, rows, widths=[8, 60, *(c.width for c in self.columns)])


class _Rejected(Exception):
    """Raised inside the import's savepoint to roll back every row once one is bad."""


# --- Workbooks -------------------------------------------------------------------------------------------

def _export_value(value):
    if isinstance(value, datetime.datetime):
        return format_jalali(value.date(), persian_digits=False)
    if isinstance(value, datetime.date):
        return format_jalali(value, persian_digits=False)
    return value


def workbook(title: str, headers: list[str], rows: Iterable[list], *, widths: list[int] | None = None,
             money_columns: Iterable[int] = ()) -> bytes:
    """A right-to-left workbook of one sheet with a bold header row; returns the .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.sheet_view.rightToLeft = True
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    money = set(money_columns)
    for values in rows:
        values = list(values)
        sheet.append(values)
        for index, value in enumerate(values):
            if isinstance(value, str) and value.startswith("="):
                # Text typed by a person (a donor's name, a note) stays text: never a formula in the export.
                sheet.cell(row=sheet.max_row, column=index + 1).data_type = "s"
        if money:
            for index in money:
                sheet.cell(row=sheet.max_row, column=index + 1).number_format = "#,##0"
    for index, width in enumerate(widths or []):
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook(title: str, columns: tuple[Column, ...]) -> bytes:
    """An empty import file: the headers and one example row (to be replaced)."""
    return workbook(title, [c.header for c in columns], [[c.example for c in columns]],
                    widths=[c.width for c in columns])


def _cell(value):
    """A cell's value as the import understands it: text trimmed, whole floats as integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_rows(upload, columns: tuple[Column, ...]) -> list[Row]:
    """Reads the first sheet of an uploaded .xlsx into rows keyed by column. Raises ``ValidationError`` for
    a file that is too big, not an Excel workbook, has too many rows or lacks a required column."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("The file is too large: at most 5 MB."), code="file_too_large")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is too large: at most 5 MB."), code="file_too_large")
    not_excel = ValidationError(_("This is not an Excel file (.xlsx). Save the sheet as an Excel workbook and "
                                  "try again."), code="not_excel")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                raise ValidationError(_("The file is too large: at most 5 MB."), code="file_too_large")
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors for a damaged or foreign file
        raise not_excel from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ValidationError(_("The workbook has no sheet."), code="no_sheet")
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if not header or not any(header):
            raise ValidationError(_("The first row of the sheet must hold the column headers."), code="no_header")
        positions: dict[str, int] = {}
        for index, title in enumerate(header):
            name = normalize_name(str(title)) if title is not None else ""
            for column in columns:
                if name and name in column.names() and column.key not in positions:
                    positions[column.key] = index
                    break
        missing = [c.header for c in columns if c.required and c.key not in positions]
        if missing:
            raise ValidationError(_("The sheet has no column “%(names)s”. Use the template file.")
                                  % {"names": "، ".join(missing)}, code="missing_columns")
        if not positions:
            raise ValidationError(_("None of the sheet's columns is known. Use the template file."),
                                  code="missing_columns")
        rows: list[Row] = []
        for number, line in enumerate(lines, start=2):
            values = {key: _cell(line[index]) if index < len(line) else None for key, index in positions.items()}
            if all(v is None for v in values.values()):
                continue
            rows.append(Row(number=number, values=values))
            if len(rows) > MAX_ROWS:
                raise ValidationError(_("The file has more than %(n)d rows; split it into smaller files.")
                                      % {"n": MAX_ROWS}, code="too_many_rows")
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet inside a valid zip
        raise not_excel from None
    finally:
        book.close()
    if not rows:
        raise ValidationError(_("The sheet has no rows to import."), code="empty_file")
    return rows


def run_all_or_nothing(rows: list[Row], store: Callable[[Row], None]) -> None:
    """Calls ``store(row)`` for every row not already refused; a ``ValidationError`` becomes the row's error
    and the next row is still tried, so every bad row is named. When any row has an error, everything stored
    is rolled back. Call inside a transaction.

    No savepoint per row: the services raise ``ValidationError`` before they write, or inside their own
    atomic block (rolled back on the way out), and a half-stored row does not matter since any error rolls
    back the whole file anyway. That halves the round trips of a large import."""
    try:
        with transaction.atomic():
            for row in rows:
                if row.errors:
                    continue
                try:
                    store(row)
                except ValidationError as exc:
                    row.errors.extend(exc.messages)
            if any(row.errors for row in rows):
                raise _Rejected
    except _Rejected:
        pass


def text(value) -> str:
    """A cell as text (numbers without a decimal point), for identifiers and names."""
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return format_jalali(value if not isinstance(value, datetime.datetime) else value.date(),
                             persian_digits=False)
    return clean_text(str(value))


# --- Donors ----------------------------------------------------------------------------------------------

_PERSON_WORDS = {normalize_name(w) for w in ("حقیقی", "شخص حقیقی", "person", "natural person", "فرد")}
_LEGAL_WORDS = {normalize_name(w) for w in ("حقوقی", "شخص حقوقی", "legal", "legal entity", "شرکت", "موسسه")}

DONOR_COLUMNS = (
    Column("kind", "نوع خیر", ("نوع", "kind"), width=12, example="حقیقی"),
    Column("first_name", "نام", ("first name", "first_name"), example="علی"),
    Column("last_name", "نام خانوادگی", ("last name", "last_name", "نام‌خانوادگی"), example="رضایی"),
    Column("legal_name", "نام شخص حقوقی", ("نام حقوقی", "نام شرکت", "نام موسسه", "legal name", "legal_name"),
           width=28),
    Column("national_code", "کد ملی", ("کدملی", "national code", "national_code"), width=14,
           example="0012345679"),
    Column("legal_entity_id", "شناسه ملی", ("شناسه ملی شخص حقوقی", "legal entity id", "legal_entity_id"),
           width=14),
    Column("mobile", "موبایل", ("تلفن همراه", "شماره همراه", "شماره موبایل", "mobile"), width=14,
           example="09121234567"),
    Column("email", "ایمیل", ("پست الکترونیک", "رایانامه", "email"), width=24),
    Column("address", "نشانی", ("آدرس", "address"), width=36),
    Column("postal_code", "کد پستی", ("کدپستی", "postal code", "postal_code"), width=12),
)
DONOR_EXPORT_EXTRA = ("تاریخ ثبت", "رضایت ارتباط", "تعداد مشارکت‌ها در مرکز")


def _donor_kind(values: dict) -> str:
    word = normalize_name(text(values.get("kind")))
    if word in _LEGAL_WORDS:
        return Donor.Kind.LEGAL
    if word in _PERSON_WORDS:
        return Donor.Kind.PERSON
    if word:
        raise ValidationError(_("Unknown kind of donor “%(value)s”: write حقیقی or حقوقی.")
                              % {"value": text(values.get("kind"))}, code="bad_kind")
    if values.get("legal_name") or values.get("legal_entity_id"):
        return Donor.Kind.LEGAL
    return Donor.Kind.PERSON


def donor_template() -> bytes:
    return template_workbook(_("Donors"), DONOR_COLUMNS)


@transaction.atomic
def donors_import(*, center: Center, upload, user=None) -> ImportResult:
    """Imports donors into ``center`` (all or nothing). A donor the organisation already knows (same
    national code or ID) is linked to the center, not created again; one already linked is left as it is.
    ``counts``: ``created``, ``linked``, ``unchanged``."""
    require_center_can_operate(center)
    rows = read_rows(upload, DONOR_COLUMNS)
    counts = {"created": 0, "linked": 0, "unchanged": 0}
    seen: dict[str, int] = {}
    prepared: dict[int, tuple[str, dict]] = {}
    for row in rows:
        try:
            kind = _donor_kind(row.values)
            data = _clean_fields(kind, {key: text(row.values.get(key)) for key in
                                        ("first_name", "last_name", "legal_name", "national_code",
                                         "legal_entity_id", "mobile", "email", "address", "postal_code")})
        except ValidationError as exc:
            row.errors.extend(exc.messages)
            continue
        identity = data["national_code"] or data["legal_entity_id"]
        if identity:
            if identity in seen:
                row.errors.append(_("The same national code or ID is also in row %(row)d.")
                                  % {"row": seen[identity]})
                continue
            seen[identity] = row.number
        prepared[row.number] = (kind, data)

    # The donors the organisation already has for the file's identities, in one query instead of one a row.
    codes = [data["national_code"] for _kind, data in prepared.values() if data["national_code"]]
    ids = [data["legal_entity_id"] for _kind, data in prepared.values() if data["legal_entity_id"]]
    # reviewed: identity numbers are unique per organisation; only the donors with the file's numbers are read.
    known = {(d.national_code or d.legal_entity_id): d for d in Donor._base_manager.filter(
        Q(national_code__in=codes) | Q(legal_entity_id__in=ids), organization_id=center.organization_id,
        merged_into__isnull=True)} if codes or ids else {}
    linked_here = set(DonorLink.objects.filter(center=center, donor__in=list(known.values()))
                      .values_list("donor_id", flat=True))

    def store(row: Row) -> None:
        kind, data = prepared[row.number]
        existing = known.get(data["national_code"] or data["legal_entity_id"])
        if existing is not None and existing.pk in linked_here:
            counts["unchanged"] += 1
            return
        donor = donor_create(center=center, kind=kind, source=DonorLink.Source.IMPORT, user=user, **data)
        counts["linked" if donor.linked_existing else "created"] += 1

    run_all_or_nothing(rows, store)
    result = ImportResult(DONOR_COLUMNS, rows, counts)
    if not result.ok:
        result.counts = {}
    return result


def donors_export(*, center: Center) -> bytes:
    """The center's donors (not merged), in the import's columns plus registration date, consent and the
    number of gifts at this center."""
    from django.db.models import Count, Q

    donors = (donors_of(center).annotate(gifts=Count("contributions", filter=Q(contributions__center=center)))
              .order_by("last_name", "first_name", "legal_name", "pk"))
    kind_words = {Donor.Kind.PERSON: "حقیقی", Donor.Kind.LEGAL: "حقوقی"}
    rows = ([kind_words[d.kind], d.first_name, d.last_name, d.legal_name, d.national_code, d.legal_entity_id,
             d.mobile, d.email, d.address, d.postal_code, _export_value(d.created_at),
             "بله" if d.consent_at else "خیر", d.gifts] for d in donors.iterator())
    return workbook(_("Donors"), [*(c.header for c in DONOR_COLUMNS), *DONOR_EXPORT_EXTRA], rows,
                    widths=[*(c.width for c in DONOR_COLUMNS), 12, 12, 12])


# --- Imports as background tasks -----------------------------------------------------------------------

def _importer(kind: str):
    if kind == ImportRun.Kind.DONORS:
        return donors_import
    from contributions.services.importing import contributions_import

    return contributions_import


def _columns(kind: str) -> tuple[Column, ...]:
    if kind == ImportRun.Kind.DONORS:
        return DONOR_COLUMNS
    from contributions.services.importing import CONTRIBUTION_COLUMNS

    return CONTRIBUTION_COLUMNS


@transaction.atomic
def import_request(*, center: Center, kind: str, upload, user=None) -> ImportRun:
    """Keeps an uploaded file and queues its import. The file's shape (size, Excel, headers, number of
    rows) is checked at once, so a wrong file is refused here with a clear message; the rows are checked by
    the task, which stores all of them or none."""
    from .tasks import run_import

    require_center_can_operate(center)
    if kind not in ImportRun.Kind.values:
        raise ValidationError(_("Unknown kind of import."), code="bad_kind")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("The file is too large: at most 5 MB."), code="file_too_large")
    data = upload.read(MAX_BYTES + 1)
    rows = read_rows(io.BytesIO(data), _columns(kind))
    run = ImportRun.objects.create(center=center, kind=kind, upload=data, row_count=len(rows),
                                   filename=str(getattr(upload, "name", ""))[:200], requested_by=user)
    run_import.enqueue(center_id=center.pk, run_id=run.pk)
    return run


def import_execute(*, run: ImportRun) -> ImportRun:
    """Runs a queued import (the task calls this): all rows or none; the outcome is kept on ``run``."""
    from django.utils import timezone

    run = ImportRun.objects.select_related("center", "requested_by").get(pk=run.pk)
    if run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING):
        return run  # already done: a redelivered task does nothing twice
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    try:
        result = _importer(run.kind)(center=run.center, upload=io.BytesIO(bytes(run.upload)),
                                     user=run.requested_by)
    except ValidationError as exc:
        run.status, run.message = ImportRun.Status.FAILED, "؛ ".join(exc.messages)[:500]
    except OperationalError:
        raise  # the task retries
    except Exception:
        logger.exception("import %s failed", run.pk)
        run.status, run.message = ImportRun.Status.FAILED, _("The import failed unexpectedly; nothing was stored.")
    else:
        if result.ok:
            run.status, run.counts = ImportRun.Status.DONE, result.counts
        else:
            run.status = ImportRun.Status.REJECTED
            run.bad_rows = [[row.number, row.errors] for row in result.bad_rows[:200]]
            run.counts = {"bad": len(result.bad_rows)}
            run.error_file = result.error_workbook()
    run.finished_at = timezone.now()
    run.upload = b""  # the donors' identities in the file are not kept once it is imported or refused
    run.save(update_fields=["status", "message", "counts", "bad_rows", "error_file", "finished_at", "upload"])
    return run
