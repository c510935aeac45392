"""Demo memoranda: the Qazvin memorandum of seed 003 as it was signed (26 Azar 1397), and one like it in the
demo province (Isfahan), current, with commitments done, in progress, overdue and due soon, the joint
calendar (the charity celebration, the celebration of affections) and the relief committee's monitoring.
Idempotent: a memorandum is found again by its reference number."""

import datetime

from django.utils import timezone

from centers.models import Province
from core.jalali import from_jalali as to_gregorian
from core.jalali import to_jalali
from memoranda.models import CalendarEvent, Commitment, Memorandum, MonitoringRecord, Party

RURAL = "دفتر امور روستایی و شوراهای استانداری"
RELIEF_COMMITMENTS = [
    "تهیه و تنظیم تقویم اجرایی جامع طرح‌های اجرایی (جشن نیکوکاری، جشن عاطفه‌ها و …)",
    "تعامل و همکاری در اجرای برنامه‌ها و طرح‌های استانی مشترک",
    "ارائه خدمات حمایتی به معرفی‌شدگان و ارجاعات دهیاری‌ها در قالب ضوابط امداد",
]
RURAL_COMMITMENTS = [
    "همکاری در طرح محسنین (حمایت از خانواده‌های نیازمند تحت حمایت)",
    "بهره‌گیری از ظرفیت دهیاران به‌عنوان رؤسای شورای زکات روستاها",
    "همکاری در اختصاص مکان برای بازارچه خدماتی و احداث مسکن خانواده‌های فاقد مسکن",
    "نصب تابلوهای ترویج زکات و انفاق در ورودی روستاها",
    "معرفی نماینده برای جمع‌آوری صدقات و اعانات",
]


def _next_jalali(month: int, day: int, today: datetime.date) -> datetime.date:
    year = to_jalali(today).year
    date = to_gregorian(year, month, day)
    return date if date >= today else to_gregorian(year + 1, month, day)


def _memorandum(*, number, province, subject, signed_on, valid_years, relief, supervisor):
    memorandum = Memorandum.objects.filter(number=number).first()
    if memorandum is not None:
        return memorandum, False
    memorandum = Memorandum.objects.create(
        number=number, province=province, subject=subject, signed_on=signed_on, valid_from=signed_on,
        valid_until=signed_on + datetime.timedelta(days=365 * valid_years), created_by=supervisor,
        summary="تعمیق و گسترش خدمات متوازن و توسعه همکاری‌ها برای کاهش محرومیت در مناطق روستایی، با رویکرد "
                "سلامت و توانمندسازی خانواده‌های محروم، مدیریت یکپارچه خدمات حمایتی و پرهیز از هم‌پوشانی",
        coordination="کمیته‌ای مرکب از نمایندگان هر دو نهاد برای هماهنگی، برنامه‌ریزی و اجرای موارد تفاهم‌نامه")
    Party.objects.create(memorandum=memorandum, organization=relief, signatory="مدیرکل کمیته امداد استان",
                         monitors=True)
    Party.objects.create(memorandum=memorandum, name=f"{RURAL} {province.name}",
                         signatory=f"مدیرکل {RURAL} {province.name}")
    return memorandum, True


def seed(ctx):
    today = timezone.localdate()
    relief = ctx.organizations["relief_committee"]
    supervisor = ctx.users.get("isfahan-relief-supervisor")
    qazvin = Province.objects.filter(name="قزوین").first()
    if qazvin is not None:
        memorandum, created = _memorandum(
            number="1001/پ30/ب", province=qazvin, relief=relief, supervisor=None, valid_years=2,
            subject="تفاهم‌نامه همکاری کمیته امداد امام خمینی (ره) و دفتر امور روستایی استانداری قزوین",
            signed_on=to_gregorian(1397, 9, 26))
        if created:
            relief_party, rural_party = memorandum.parties.order_by("pk")
            for text in RELIEF_COMMITMENTS:
                Commitment.objects.create(memorandum=memorandum, owner=relief_party, description=text,
                                          due_on=memorandum.valid_until, status="done", done_on=memorandum.valid_until)
            for text in RURAL_COMMITMENTS:
                Commitment.objects.create(memorandum=memorandum, owner=rural_party, description=text,
                                          due_on=memorandum.valid_until, status="done", done_on=memorandum.valid_until)
    memorandum, created = _memorandum(
        number="DEMO-ISF-1", province=ctx.province, relief=relief, supervisor=supervisor, valid_years=2,
        subject=f"تفاهم‌نامه همکاری کمیته امداد استان اصفهان و {RURAL} اصفهان",
        signed_on=today - datetime.timedelta(days=150))
    if not created:
        return
    relief_party, rural_party = memorandum.parties.order_by("pk")
    # (owner, text, due in days from today, status, done days ago)
    plan = [
        (relief_party, RELIEF_COMMITMENTS[0], -120, "done", 125),
        (relief_party, RELIEF_COMMITMENTS[1], -20, "in_progress", None),
        (relief_party, RELIEF_COMMITMENTS[2], 12, "in_progress", None),
        (rural_party, RURAL_COMMITMENTS[0], -45, "pending", None),
        (rural_party, RURAL_COMMITMENTS[1], -10, "in_progress", None),
        (rural_party, RURAL_COMMITMENTS[2], 25, "pending", None),
        (rural_party, RURAL_COMMITMENTS[3], 5, "pending", None),
        (rural_party, RURAL_COMMITMENTS[4], 90, "pending", None),
    ]
    commitments = [Commitment.objects.create(
        memorandum=memorandum, owner=owner, description=text, due_on=today + datetime.timedelta(days=due),
        status=status, done_on=today - datetime.timedelta(days=done) if done else None)
        for owner, text, due, status, done in plan]
    affections = _next_jalali(7, 1, today)  # جشن عاطفه‌ها: the first week of Mehr, as schools open
    for kind, title, starts, ends, lead in (
            ("meeting", "نشست فصلی کمیته مشترک", today + datetime.timedelta(days=8),
             today + datetime.timedelta(days=8), relief_party),
            ("campaign", "جشن نیکوکاری در روستاهای استان", today + datetime.timedelta(days=20),
             today + datetime.timedelta(days=30), relief_party),
            ("campaign", "جشن عاطفه‌ها", affections, affections + datetime.timedelta(days=6), relief_party),
            ("occasion", "اعزام خانواده‌های روستایی به اردوی زیارتی «شوق زیارت»", today + datetime.timedelta(days=40),
             today + datetime.timedelta(days=43), rural_party)):
        CalendarEvent.objects.create(memorandum=memorandum, kind=kind, title=title, starts_on=starts, ends_on=ends,
                                     lead=lead)
    MonitoringRecord.objects.create(
        memorandum=memorandum, party=relief_party, kind="visit", recorded_on=today - datetime.timedelta(days=15),
        commitment=commitments[3], recorded_by=supervisor,
        findings="در سه روستای بازدیدشده، معرفی خانواده‌ها به طرح محسنین آغاز نشده است؛ پیگیری از دهیاری‌ها لازم است.")
    MonitoringRecord.objects.create(
        memorandum=memorandum, party=relief_party, kind="report", recorded_on=today - datetime.timedelta(days=60),
        recorded_by=supervisor, findings="تقویم اجرایی مشترک تهیه و به هر دو دستگاه ابلاغ شد.")
