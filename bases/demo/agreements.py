"""Demo NGO and agreements: one NGO (licensed by the welfare organisation, with its track record and staff)
runs the demo's licensed social-health bases. The base of Zeinabiyeh has last year's agreement with its
reports, its performance approved by the province's prevention deputy, and this year's agreement renewed
from it (with the allocation the score proposed) and a few reports; the other bases have this year's
agreement. A second NGO's application to found a base waits in the approval queue. Everything goes through
the services; idempotent (what exists is left as it is)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from bases.models import (
    BaseAgreement,
    BaseApplication,
    BaseOperator,
    Ngo,
    NgoLicense,
    NgoStaff,
    NgoTrackRecord,
    SupervisorDuty,
)
from bases.services import agreements as services
from bases.services.establishment import application_submit
from centers.access import actor_for
from centers.models import County, SupervisorAssignment
from core.jalali import JalaliPeriod, to_jalali
from core.validators import legal_entity_check_digit

SUPERVISOR = "isfahan-welfare-supervisor"
REPRESENTATIVE = "khomeinishahr-ngo-representative"
MAIN_BASE = "isf-base-zeinabiyeh"
OTHER_BASES = ("isf-base-malekshahr", "kashan-base-fin")

COMMITMENTS = [
    ("needs_assessment", "نیازسنجی محله با مشارکت مطلعان محلی", 4, "جلسه"),
    ("harm_mapping", "ترسیم نقشه آسیب‌های اجتماعی محله", 1, "نقشه"),
    ("collective_action", "اقدامات جمعی پیشگیری از اعتیاد", 6, "برنامه"),
    ("education", "کارگاه‌های آموزش مهارت‌های زندگی", 24, "کارگاه"),
    ("counselling", "مشاوره و مددکاری خانواده‌ها", 120, "جلسه"),
    ("partnership", "تفاهم با نهادهای محلی (مدرسه، مسجد، سرای محله)", 3, "تفاهم"),
]
# Last year's reports: (activity, achieved, people reached, what was done); about 85% of the targets.
LAST_YEAR = [
    ("needs_assessment", 4, 60, "چهار جلسه نیازسنجی با معتمدان و مطلعان محله"),
    ("harm_mapping", 1, 0, "نقشه آسیب‌های محله با همکاری شورایاری تهیه شد"),
    ("collective_action", 4, 350, "جشنواره خانواده و دو پیاده‌روی خانوادگی"),
    ("education", 20, 400, "کارگاه‌های مهارت‌های زندگی در مدرسه و سرای محله"),
    ("counselling", 110, 110, "جلسات مشاوره فردی و خانوادگی"),
    ("partnership", 2, 0, "تفاهم با دبیرستان و مسجد محله"),
]
THIS_YEAR = [
    ("needs_assessment", 2, 30, "دو جلسه نیازسنجی بهاره"),
    ("education", 9, 180, "کارگاه‌های مهارت‌های زندگی"),
    ("counselling", 48, 48, "جلسات مشاوره خانواده"),
]


def _legal_id(first10: str) -> str:
    return first10 + str(legal_entity_check_digit(first10))


def _ngo(name, first10, registration, county, license_number, staff):
    ngo, _ = Ngo.objects.get_or_create(legal_entity_id=_legal_id(first10), defaults={
        "name": name, "registration_number": registration, "county": county, "phone": "03132220000",
        "address": "اصفهان، خیابان زینبیه"})
    today = timezone.localdate()
    NgoLicense.objects.get_or_create(ngo=ngo, number=license_number, defaults={
        "issued_on": today - datetime.timedelta(days=800), "valid_until": today + datetime.timedelta(days=1000)})
    if not ngo.track_record.exists():
        NgoTrackRecord.objects.create(ngo=ngo, activity="آموزش پیشگیری از اعتیاد در مدارس محله",
                                      started_on=datetime.date(2019, 3, 21), ended_on=datetime.date(2022, 3, 20),
                                      place="محله زینبیه اصفهان")
        NgoTrackRecord.objects.create(ngo=ngo, activity="حمایت روانی-اجتماعی از زنان سرپرست خانوار",
                                      started_on=datetime.date(2022, 3, 21), place="محله زینبیه اصفهان")
    if not ngo.staff.exists():
        for person, role, qualification in staff:
            NgoStaff.objects.create(ngo=ngo, name=person, role=role, qualification=qualification)
    return ngo


def _specs():
    return [services.CommitmentSpec(activity=a, description=d, target=t, unit=u) for a, d, t, u in COMMITMENTS]


def _reports(agreement, rows, actor, *, last_day):
    if agreement.commitments.filter(reports__isnull=False).exists():
        return
    by_kind = {c.activity: c for c in agreement.commitments.all()}
    span = (last_day - agreement.starts_on).days
    for index, (kind, achieved, people, text) in enumerate(rows):
        day = agreement.starts_on + datetime.timedelta(days=span * (index + 1) // (len(rows) + 1))
        services.activity_report_record(actor=actor, commitment=by_kind[kind], reported_on=day, achieved=achieved,
                                        people_reached=people, description=text)


def seed(ctx):
    supervisor = ctx.users[SUPERVISOR]
    assignment = SupervisorAssignment.objects.get(user=supervisor, active=True)
    SupervisorDuty.objects.get_or_create(assignment=assignment, duty=SupervisorDuty.Duty.PREVENTION_DEPUTY)
    deputy = actor_for(supervisor, second_factor_passed=True)
    isfahan = County.objects.get(province=ctx.province, name="اصفهان")
    ngo = _ngo("انجمن مردمی سلامت اجتماعی زینبیه", "1032045678", "۱۲۳۴۵", isfahan, "ب/۱۴۰۲/۷۷۱", [
        ("مریم کاظمی", NgoStaff.Role.MANAGER, "کارشناسی ارشد مددکاری اجتماعی"),
        ("زهرا نوری", NgoStaff.Role.SOCIAL_WORKER, "کارشناسی مددکاری اجتماعی"),
        ("علی صادقی", NgoStaff.Role.PSYCHOLOGIST, "کارشناسی ارشد روان‌شناسی بالینی"),
    ])
    today = timezone.localdate()
    this_year = to_jalali(today).year
    for slug in (MAIN_BASE, *OTHER_BASES):
        center = ctx.centers[slug]
        BaseOperator.objects.get_or_create(center=center, defaults={
            "ngo": ngo, "since": JalaliPeriod.for_year(this_year - 1).start})
    main = ctx.centers[MAIN_BASE]
    chair = actor_for(ctx.users[f"{MAIN_BASE}-chair"], second_factor_passed=False)
    last = BaseAgreement.objects.filter(center=main, jalali_year=this_year - 1).first()
    if last is None:
        last = services.agreement_create(actor=deputy, center=main, jalali_year=this_year - 1,
                                         budget=1_200_000_000, commitments=_specs())
        _reports(last, LAST_YEAR, chair, last_day=last.ends_on)
        services.performance_decide(actor=deputy, agreement=last, approve=True,
                                    note="عملکرد سال با بازدید میدانی تأیید شد.")
    if not BaseAgreement.objects.filter(center=main, jalali_year=this_year).exists():
        current = services.agreement_renew(actor=deputy, agreement=last)
        _reports(current, THIS_YEAR, chair, last_day=today)
    for slug in OTHER_BASES:
        if not BaseAgreement.objects.filter(center=ctx.centers[slug], jalali_year=this_year).exists():
            services.agreement_create(actor=deputy, center=ctx.centers[slug], jalali_year=this_year,
                                      budget=800_000_000, commitments=_specs()[:4])
    # A second NGO's application waits for the welfare supervisor's decision (documents still missing).
    other = _ngo("مؤسسه خیریه همیاران سلامت خمینی‌شهر", "1032098765", "۶۷۸۹۰",
                 County.objects.get(province=ctx.province, name="خمینی شهر"), "ب/۱۴۰۳/۱۲۰",
                 [("حسن رحیمی", NgoStaff.Role.SOCIAL_WORKER, "کارشناسی مددکاری اجتماعی")])
    representative, _ = get_user_model().objects.update_or_create(username=REPRESENTATIVE, defaults={
        "first_name": "حسن", "last_name": "رحیمی", "email": f"{REPRESENTATIVE}@demo.charity.local",
        "password": ctx.password_hash, "is_active": True})  # not a login yet: chair of the base once approved
    if not BaseApplication.objects.filter(ngo=other).exists():
        application_submit(actor=deputy, ngo=other, county=other.county, base_name="پایگاه سلامت اجتماعی منظریه",
                           representative=representative, host_place_name="سرای محله منظریه")
