"""Excel import of an existing household register (issue 5.9).

One row per person: a household is the rows sharing a «شماره خانوار» (the number the center's own register
gives it, used only to group the rows), one of them its head («سرپرست»). The head's row carries the household's
facts (address, county, village or neighbourhood, urban or rural, housing, income, insurance, mobile, the date of
consent to be registered); members' rows carry only their own. Headers are Persian (English and common
alternatives are accepted, in any order; unknown columns are ignored), dates Jalali, digits in any script. The
workbook plumbing (size and shape checks, limits of 5 MB and 5,000 rows, the error workbook) is the donors
import's (``donors.importing``).

Every row is checked first with the rules of the registration form (``services.households._checked_member``),
so each bad row gets its own reasons. Then each household is registered through
``services.household_register`` — which encrypts the national codes and the mobile, computes the blind index and
the priority score — inside its own savepoint: a household is stored whole or not at all, and one bad household
does not hold back the good ones. A household any of whose people is already registered at the center (same
national code, found through the blind index) is reported with its rows, not registered twice; so a corrected
file can simply be uploaded again.
"""

from __future__ import annotations

import datetime
import io
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import crypto, rls
from beneficiaries.models import Household, HouseholdImport, Member
from beneficiaries.services.households import MAX_INCOME, MemberInput, _checked_member, household_register
from centers.access import Action, Actor, actor_for, require
from centers.models import Center, County
from centers.services.lifecycle import require_center_can_operate
from core.jalali import parse_jalali_date
from core.validators import normalize_mobile
from donors.importing import MAX_BYTES, MAX_ROWS, Column, Row, read_rows, template_workbook, text, workbook
from donors.services import normalize_name

logger = logging.getLogger(__name__)

__all__ = ["COLUMNS", "HouseholdImportResult", "household_import_execute", "household_import_request",
           "households_import", "households_template"]

COLUMNS = (
    Column("household", "شماره خانوار", ("شماره پرونده", "کد خانوار", "household", "household number"),
           required=True, width=12, example=1),
    Column("relation", "نسبت با سرپرست", ("نسبت", "relation"), required=True, width=14, example="سرپرست"),
    Column("first_name", "نام", ("first name", "first_name"), required=True, example="مریم"),
    Column("last_name", "نام خانوادگی", ("نام‌خانوادگی", "last name", "last_name"), required=True, example="رضایی"),
    Column("national_code", "کد ملی", ("کدملی", "national code", "national_code"), width=14, example="0012345679"),
    Column("gender", "جنسیت", ("جنس", "gender"), required=True, width=8, example="زن"),
    Column("birth_date", "تاریخ تولد", ("birth date", "birth_date"), required=True, width=12, example="1364/05/20"),
    Column("education", "تحصیلات", ("education",), width=14, example="ابتدایی"),
    Column("work", "وضعیت شغلی", ("شغل", "work", "work status"), width=14, example="بیکار"),
    Column("disability", "معلولیت", ("disability",), width=8),
    Column("chronic_illness", "بیماری مزمن", ("chronic illness",), width=10),
    Column("health_notes", "شرح وضعیت سلامت", ("وضعیت سلامت", "health notes"), width=24),
    Column("orphan", "یتیم", ("orphan",), width=6),
    Column("address", "نشانی", ("آدرس", "address"), width=36, example="اصفهان، محله جلفا، کوچه ۱۲، پلاک ۵"),
    Column("county", "شهرستان", ("county",), width=12, example="اصفهان"),
    Column("village", "روستا یا محله", ("روستا", "محله", "village"), width=16, example="محله جلفا"),
    Column("area", "شهری یا روستایی", ("منطقه", "area"), width=10, example="شهری"),
    Column("housing", "وضعیت مسکن", ("مسکن", "housing"), width=14, example="استیجاری"),
    Column("income", "درآمد ماهانه (ریال)", ("درآمد ماهانه", "درآمد", "income", "monthly income"), width=16,
           example=60_000_000),
    Column("insurance", "بیمه", ("insurance",), width=14, example="ندارد"),
    Column("mobile", "تلفن همراه", ("موبایل", "شماره همراه", "mobile"), width=14, example="09121234567"),
    Column("consent_on", "تاریخ رضایت", ("تاریخ رضایت ثبت", "consent date", "consent_on"), width=12,
           example="1404/01/15"),
)


def _words(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalize_name(word): value for value, words in table.items() for word in (value, *words)}


RELATIONS = _words({
    Member.Relation.HEAD: ("سرپرست", "سرپرست خانوار"), Member.Relation.SPOUSE: ("همسر", "زوج", "زوجه"),
    Member.Relation.CHILD: ("فرزند", "پسر", "دختر"), Member.Relation.PARENT: ("پدر", "مادر", "والد", "والدین"),
    Member.Relation.SIBLING: ("خواهر", "برادر"), Member.Relation.OTHER: ("سایر", "دیگر", "خویشاوند")})
GENDERS = _words({Member.Gender.FEMALE: ("زن", "مونث", "مؤنث", "خانم"), Member.Gender.MALE: ("مرد", "مذکر", "آقا")})
EDUCATION = _words({
    Member.Education.NONE: ("بی‌سواد", "بیسواد", "ندارد"), Member.Education.LITERACY: ("سواد خواندن و نوشتن", "نهضت"),
    Member.Education.PRIMARY: ("ابتدایی",), Member.Education.SECONDARY: ("راهنمایی", "متوسطه", "دبیرستان"),
    Member.Education.DIPLOMA: ("دیپلم",), Member.Education.HIGHER: ("دانشگاهی", "کاردانی", "کارشناسی", "لیسانس",
                                                                    "فوق لیسانس", "دکتری")})
WORK = _words({
    Member.Work.EMPLOYED: ("شاغل", "کارگر", "کارمند"), Member.Work.SELF_EMPLOYED: ("آزاد", "شغل آزاد", "خویش‌فرما"),
    Member.Work.UNEMPLOYED: ("بیکار", "جویای کار"), Member.Work.STUDENT: ("محصل", "دانش‌آموز", "دانشجو"),
    Member.Work.HOMEMAKER: ("خانه‌دار",), Member.Work.RETIRED: ("بازنشسته",),
    Member.Work.UNABLE: ("ازکارافتاده", "از کار افتاده", "ناتوان"), Member.Work.CHILD: ("خردسال", "کودک")})
AREAS = _words({Household.Area.URBAN: ("شهری", "شهر"), Household.Area.RURAL: ("روستایی", "روستا")})
HOUSING = _words({
    Household.Housing.OWNED: ("ملکی", "شخصی"), Household.Housing.RENTED: ("استیجاری", "اجاره‌ای", "اجاره"),
    Household.Housing.RELATIVES: ("منزل اقوام", "نزد اقوام", "اقوام"),
    Household.Housing.INFORMAL: ("حاشیه", "سکونتگاه غیررسمی", "غیررسمی"),
    Household.Housing.HOMELESS: ("بی‌مسکن", "فاقد مسکن", "بدون مسکن")})
INSURANCE = _words({
    Household.Insurance.NONE: ("ندارد", "بدون بیمه", "فاقد بیمه"),
    Household.Insurance.BASIC: ("سلامت", "بیمه سلامت", "خدمات درمانی", "پایه"),
    Household.Insurance.RURAL: ("روستایی", "بیمه روستایی"),
    Household.Insurance.SOCIAL_SECURITY: ("تامین اجتماعی", "تأمین اجتماعی"), Household.Insurance.OTHER: ("سایر",)})
YES = {normalize_name(w) for w in ("بله", "آری", "دارد", "هست", "yes", "1", "true", "x", "✓")}
NO = {normalize_name(w) for w in ("خیر", "نه", "ندارد", "نیست", "no", "0", "false")}


@dataclass
class HouseholdImportResult:
    rows: list[Row]
    counts: dict = field(default_factory=dict)
    already_registered: list[int] = field(default_factory=list)  # row numbers

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    def error_workbook(self) -> bytes:
        headers = ["ردیف", _("Reason"), *(c.header for c in COLUMNS)]
        rows = ([row.number, "؛ ".join(row.errors), *(row.values.get(c.key) for c in COLUMNS)]
                for row in self.bad_rows)
        return workbook(_("Rejected rows"), headers, rows, widths=[8, 60, *(c.width for c in COLUMNS)])


def households_template() -> bytes:
    return template_workbook(_("Households"), COLUMNS)


def _choice(values: dict, table: dict[str, str], key: str, label: str, default: str | None = None) -> str:
    word = text(values.get(key))
    if not word:
        if default is None:
            raise ValidationError(_("“%(column)s” is empty.") % {"column": label}, code="required")
        return default
    found = table.get(normalize_name(word))
    if found is None:
        raise ValidationError(_("Unknown value “%(value)s” in “%(column)s”.") % {"value": word, "column": label},
                              code="bad_choice")
    return found


def _flag(values: dict, key: str, label: str) -> bool:
    word = normalize_name(text(values.get(key)))
    if not word or word in NO:
        return False
    if word in YES:
        return True
    raise ValidationError(_("Write بله or خیر in “%(column)s”.") % {"column": label}, code="bad_flag")


def _date(value, label: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if value is None or value == "":
        raise ValidationError(_("“%(column)s” is empty.") % {"column": label}, code="required")
    try:
        return parse_jalali_date(str(value))
    except (ValueError, TypeError, OverflowError):
        raise ValidationError(_("“%(value)s” is not a Jalali date such as 1404/01/15.") % {"value": value},
                              code="bad_date") from None


def _income(value) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValidationError(_("The monthly income must be a whole number of rials, zero or more."),
                              code="bad_income")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        from core.digits import to_latin_digits
        from core.forms import NUMBER_GROUPING

        digits = to_latin_digits(str(value)).translate(NUMBER_GROUPING)
        if not digits.isdigit():
            raise ValidationError(_("The monthly income must be a whole number of rials, zero or more."),
                                  code="bad_income")
        value = int(digits)
    if not 0 <= value <= MAX_INCOME:
        raise ValidationError(_("The monthly income must be a whole number of rials, zero or more."),
                              code="bad_income")
    return value


def _errors(row: Row, call):
    """Runs ``call``; a ``ValidationError`` becomes the row's error. Returns the result or None."""
    try:
        return call()
    except ValidationError as exc:
        row.errors.extend(exc.messages)
        return None


def _person(row: Row, today: datetime.date) -> tuple[MemberInput, str] | None:
    v = row.values
    labels = {c.key: c.header for c in COLUMNS}
    person = {}
    for key, table, target, default in (("relation", RELATIONS, "relation", None), ("gender", GENDERS, "gender", None),
                                        ("education", EDUCATION, "education", Member.Education.NONE),
                                        ("work", WORK, "work_status", Member.Work.UNEMPLOYED)):
        value = _errors(row, lambda key=key, table=table, default=default: _choice(v, table, key, labels[key],
                                                                                   default))
        person[target] = value
    for key, target in (("disability", "has_disability"), ("chronic_illness", "has_chronic_illness"),
                        ("orphan", "is_orphan")):
        person[target] = _errors(row, lambda key=key: _flag(v, key, labels[key]))
    person["birth_date"] = _errors(row, lambda: _date(v.get("birth_date"), labels["birth_date"]))
    if row.errors:
        return None
    checked = _errors(row, lambda: _checked_member(MemberInput(
        first_name=text(v.get("first_name")), last_name=text(v.get("last_name")),
        national_code=text(v.get("national_code")), health_notes=text(v.get("health_notes")), **person),
        today=today))
    return checked


def _household_facts(row: Row, center: Center, counties: dict[str, County], today: datetime.date) -> dict | None:
    v = row.values
    labels = {c.key: c.header for c in COLUMNS}
    facts = {"address": text(v.get("address")), "village": text(v.get("village"))}
    if not facts["address"]:
        row.errors.append(_("The head's row needs the household's address."))
    county_name = text(v.get("county"))
    facts["county"] = counties.get(normalize_name(county_name)) if county_name else center.county
    if facts["county"] is None:
        row.errors.append(_("Unknown county “%(value)s” in the center's province.") % {"value": county_name})
    facts["area"] = _errors(row, lambda: _choice(v, AREAS, "area", labels["area"], Household.Area.URBAN))
    facts["housing"] = _errors(row, lambda: _choice(v, HOUSING, "housing", labels["housing"]))
    facts["insurance"] = _errors(row, lambda: _choice(v, INSURANCE, "insurance", labels["insurance"],
                                                      Household.Insurance.NONE))
    facts["monthly_income"] = _errors(row, lambda: _income(v.get("income")))
    mobile = text(v.get("mobile"))
    facts["mobile"] = _errors(row, lambda: normalize_mobile(mobile)) if mobile else ""
    consent = _errors(row, lambda: _date(v.get("consent_on"), labels["consent_on"]))
    if consent is not None and consent > today:
        row.errors.append(_("The household's consent to be registered, with its date, is required."))
    facts["consent_on"] = consent
    return None if row.errors else facts


def households_import(*, actor: Actor, center: Center, upload) -> HouseholdImportResult:
    """Checks every row, then registers each good household in its own savepoint (all its rows or none).
    ``counts``: ``households`` and ``people`` registered, ``already_registered`` households reported, ``rejected``
    households with a bad row. Raises ``ValidationError`` for a file that cannot be read at all."""
    require(actor, Action.MANAGE_BENEFICIARIES, center)
    require_center_can_operate(center)
    rls.apply_scope(fallback=[center.pk])
    today = timezone.localdate()
    rows = read_rows(upload, COLUMNS)
    counties = {normalize_name(c.name): c for c in County.objects.filter(province_id=center.county.province_id)}

    groups: dict[str, list[Row]] = {}
    people: dict[int, tuple[MemberInput, str]] = {}
    first_row_of_code: dict[str, int] = {}
    for row in rows:
        number = text(row.values.get("household"))
        if not number:
            row.errors.append(_("“%(column)s” is empty.") % {"column": COLUMNS[0].header})
        checked = _person(row, today)
        if checked is not None:
            people[row.number] = checked
            code = checked[1]
            if code and code in first_row_of_code:
                row.errors.append(_("The same national code is also in row %(row)d.")
                                  % {"row": first_row_of_code[code]})
            elif code:
                first_row_of_code[code] = row.number
        if number:
            groups.setdefault(number, []).append(row)

    # Who is already registered here: one query over the blind indexes of the file's codes.
    index_of = {code: crypto.blind_index(code) for code in first_row_of_code}
    registered = set(Member.objects.filter(center=center, national_code_index__in=list(index_of.values()))
                     .values_list("national_code_index", flat=True)) if index_of else set()

    counts = {"households": 0, "people": 0, "already_registered": 0, "rejected": 0}
    already: list[int] = []
    for number, group in groups.items():
        heads = [r for r in group if r.number in people and people[r.number][0].relation == Member.Relation.HEAD]
        if any(index_of.get(people[r.number][1]) in registered for r in group if r.number in people):
            counts["already_registered"] += 1
            already.extend(r.number for r in group)
            for r in group:  # reported, not an error of the row
                r.errors.clear()
            continue
        if len(heads) != 1:
            group[0].errors.append(_("Household %(n)s needs exactly one row with the relation سرپرست.") % {"n": number})
        facts = _household_facts(heads[0], center, counties, today) if len(heads) == 1 else None
        if facts is None or any(r.errors for r in group):
            counts["rejected"] += 1
            bad = [r.number for r in group if r.errors]
            for r in group:
                if not r.errors:
                    r.errors.append(_("Not imported: row %(rows)s of the same household is wrong.")
                                    % {"rows": "، ".join(str(n) for n in bad)})
            continue
        head = heads[0]
        members = [people[r.number][0] for r in group if r is not head]
        try:
            with transaction.atomic():
                household_register(actor=actor, center=center, head=people[head.number][0], members=members,
                                   **facts)
        except ValidationError as exc:
            counts["rejected"] += 1
            other = _("Not imported: row %(rows)s of the same household is wrong.") % {"rows": head.number}
            for r in group:
                r.errors.extend(exc.messages if r is head else [other])
            continue
        counts["households"] += 1
        counts["people"] += len(group)
    return HouseholdImportResult(rows=rows, counts=counts, already_registered=sorted(already))


@transaction.atomic
def household_import_request(*, actor: Actor, center: Center, upload) -> HouseholdImport:
    """Keeps an uploaded register and queues its import. The file's shape (size, Excel, headers, rows) is
    checked at once, so a wrong file is refused here with a clear message; the rows are checked by the task."""
    from beneficiaries.tasks import run_household_import

    require(actor, Action.MANAGE_BENEFICIARIES, center)
    require_center_can_operate(center)
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("The file is too large: at most 5 MB."), code="file_too_large")
    data = upload.read(MAX_BYTES + 1)
    rows = read_rows(io.BytesIO(data), COLUMNS)
    run = HouseholdImport.objects.create(center=center, upload=data, row_count=len(rows),
                                         filename=str(getattr(upload, "name", ""))[:200], requested_by=actor.user)
    run_household_import.enqueue(center_id=center.pk, run_id=run.pk)
    return run


def household_import_execute(*, run: HouseholdImport) -> HouseholdImport:
    """Runs a queued import (the task calls this); the outcome is kept on ``run`` and the upload emptied."""
    run = HouseholdImport.objects.select_related("center__county", "requested_by").get(pk=run.pk)
    if run.status not in (HouseholdImport.Status.QUEUED, HouseholdImport.Status.RUNNING):
        return run  # already done: a redelivered task does nothing twice
    HouseholdImport.objects.filter(pk=run.pk).update(status=HouseholdImport.Status.RUNNING)
    actor = actor_for(run.requested_by, second_factor_passed=True)
    try:
        with transaction.atomic():
            result = households_import(actor=actor, center=run.center, upload=io.BytesIO(bytes(run.upload)))
    except ValidationError as exc:
        run.status, run.message = HouseholdImport.Status.FAILED, "؛ ".join(exc.messages)[:500]
    except OperationalError:
        raise  # the task retries
    except Exception:
        logger.exception("household import %s failed", run.pk)
        run.status = HouseholdImport.Status.FAILED
        run.message = _("The import failed unexpectedly; nothing was stored.")
    else:
        run.status, run.counts = HouseholdImport.Status.DONE, result.counts
        run.bad_rows = [[row.number, row.errors] for row in result.bad_rows[:500]]
        run.already_registered = result.already_registered[:MAX_ROWS]
        run.error_file = result.error_workbook() if result.bad_rows else None
    run.finished_at = timezone.now()
    run.upload = b""  # names and national codes in clear are not kept once the file is read
    run.save(update_fields=["status", "message", "counts", "bad_rows", "already_registered", "error_file",
                            "finished_at", "upload"])
    return run
