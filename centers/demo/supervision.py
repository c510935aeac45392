"""Demo data of the supervision area: meetings with decisions, an archive with one pending and one approved
destruction, two inspections with follow-ups, and complaints at each of the three levels (one overdue, so
the hourly task would escalate it) plus one resolved. Idempotent: rows are found by stable keys."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from centers.models import (
    ArchivedDocument,
    Complaint,
    ComplaintEvent,
    Decision,
    DocumentDestructionRequest,
    FollowUpAction,
    Inspection,
    Meeting,
)
from centers.models.supervision import CHECKLIST, checklist_score
from core.jalali import to_jalali

PDF = b"%PDF-1.4\n% demo document\n"

MEETINGS = [  # (center slug, days ago, kind, place, minutes, [(decision, amount)])
    ("isf-jame", 40, "regular", "دفتر مرکز، مسجد جامع عتیق", "بررسی نیازهای خانوارهای محله پیش از ماه رمضان.",
     [("تهیه ۱۲۰ بسته افطاری برای خانوارهای نیازمند", 360_000_000), ("تشکیل مجمع بانوان نیکوکار", None)]),
    ("isf-jame", 10, "extraordinary", "دفتر مرکز، مسجد جامع عتیق", "تأمین جهیزیه دو زوج جوان محله.",
     [("خرید جهیزیه برای دو زوج", 900_000_000)]),
    ("isf-hakim", 25, "regular", "شبستان مسجد حکیم", "گزارش عملکرد فصلی و برنامه اشتغال.",
     [("راه‌اندازی کارگاه خیاطی برای ده بانوی سرپرست خانوار", 450_000_000)]),
    ("kashan-agha-bozorg", 15, "regular", "مسجد آقابزرگ", "برنامه جشن نیکوکاری.",
     [("برگزاری جشن نیکوکاری در مسجد", 50_000_000)]),
]

COMPLAINTS = [  # (center slug, code, level, status, days to deadline, text)
    ("isf-jame", "DEMOLVL1AA", 1, "open", -1, "برای کمک نقدی من رسید صادر نشد."),
    ("isf-hakim", "DEMOLVL2BB", 2, "open", 6, "پرونده خانواده ما پس از سه ماه هنوز بررسی نشده است."),
    ("kashan-agha-bozorg", "DEMOLVL3CC", 3, "open", 12, "توزیع بسته‌ها بدون اطلاع‌رسانی انجام شد."),
    ("isf-seyyed", "DEMORESLVD", 1, "resolved", 5, "ساعت کاری مرکز اعلام نشده است."),
]


def _chair(ctx, slug):
    return ctx.users[f"{slug}-chair"]


def seed(ctx):
    """Idempotent: brings the demo centers' supervision records up to date."""
    today = timezone.localdate()
    now = timezone.now()
    for slug, days, kind, place, minutes, decisions in MEETINGS:
        center, held_on = ctx.centers[slug], today - datetime.timedelta(days=days)
        year = to_jalali(held_on).year
        meeting = Meeting.objects.filter(center=center, jalali_year=year, place=place, minutes=minutes).first()
        if meeting is None:
            number = Meeting.objects.filter(center=center, jalali_year=year).count() + 1
            meeting = Meeting.objects.create(center=center, jalali_year=year, number=number, held_on=held_on,
                                             place=place, kind=kind, minutes=minutes, recorded_by=_chair(ctx, slug))
            meeting.attendees.set(center.appointments.filter(status="active")[:4])
        for n, (text, amount) in enumerate(decisions, start=1):
            Decision.objects.update_or_create(meeting=meeting, number=n,
                                              defaults={"center": center, "text": text, "amount": amount})

    center, chair = ctx.centers["isf-jame"], _chair(ctx, "isf-jame")
    supervisor = ctx.users["isfahan-county-supervisor"]
    documents = {}
    for title, kind, date in [("دفتر دریافت و پرداخت ۱۳۹۵", "financial", datetime.date(2016, 6, 1)),
                              ("رسیدهای کمک نقدی ۱۳۹۶", "financial", datetime.date(2017, 6, 1)),
                              ("صورت‌جلسات هیات امنا ۱۴۰۲", "administrative", datetime.date(2023, 6, 1))]:
        document = ArchivedDocument.objects.filter(center=center, title=title).first()
        if document is None:
            document = ArchivedDocument.objects.create(
                center=center, kind=kind, title=title, document_date=date, uploaded_by=chair,
                retention_note="نگهداری ده‌ساله", file=ContentFile(PDF, name="archive.pdf"))
        documents[title] = document
    pending = documents["رسیدهای کمک نقدی ۱۳۹۶"]
    if not pending.destruction_requests.exists():
        DocumentDestructionRequest.objects.create(center=center, document=pending, requested_by=chair,
                                                  reason="مهلت نگهداری ده‌ساله گذشته است.")
    old = documents["دفتر دریافت و پرداخت ۱۳۹۵"]
    if not old.is_destroyed:
        DocumentDestructionRequest.objects.create(
            center=center, document=old, requested_by=chair, reason="مهلت نگهداری ده‌ساله گذشته است.",
            status="approved", decided_by=supervisor, decided_at=now, note="با امحا موافقت شد.")
        old.file.delete(save=False)
        ArchivedDocument.objects.filter(pk=old.pk).update(
            file="", destroyed_at=now, destroyed_by=supervisor, destruction_reason="مهلت نگهداری ده‌ساله گذشته است.")

    for slug, weak, follow_ups in [
        ("isf-jame", {"receipts_issued"}, [("صدور رسید برای همه کمک‌های نقدی", 20, "open")]),
        ("isf-hakim", {"license_displayed", "documents_archived"},
         [("نصب مجوز فعالیت و نقشه محدوده در دفتر", -5, "done"), ("بایگانی اسناد مالی سال گذشته", 30, "open")]),
    ]:
        center = ctx.centers[slug]
        answers = {item.code: ("no" if item.code in weak else "yes") for item in CHECKLIST}
        inspection, _ = Inspection.objects.update_or_create(
            center=center, inspected_on=today - datetime.timedelta(days=20),
            defaults={"inspector": supervisor, "answers": answers, "score": checklist_score(answers),
                      "findings": "بازدید میدانی دوره‌ای؛ موارد زیر باید پیگیری شود."})
        for text, due_in, status in follow_ups:
            FollowUpAction.objects.update_or_create(
                inspection=inspection, text=text,
                defaults={"center": center, "due_on": today + datetime.timedelta(days=due_in), "status": status,
                          "done_note": "انجام شد." if status == "done" else ""})

    for slug, code, level, status, due_in, text in COMPLAINTS:
        center = ctx.centers[slug]
        complaint, created = Complaint.objects.get_or_create(tracking_code=code, defaults={
            "center": center, "complainant_kind": "donor", "text": text, "level": level, "status": status,
            "complainant_name": "شاکی نمونه", "deadline": now + datetime.timedelta(days=due_in)})
        if created:
            ComplaintEvent.objects.create(center=center, complaint=complaint, kind="filed", level=1, at=now)
            for step in range(2, level + 1):
                ComplaintEvent.objects.create(center=center, complaint=complaint, kind="escalated", level=step,
                                              at=now)
            if status == "resolved":
                ComplaintEvent.objects.create(center=center, complaint=complaint, kind="resolved", level=level,
                                              actor=supervisor, text="ساعت کاری مرکز روی تابلوی مسجد نصب شد.",
                                              at=now)
