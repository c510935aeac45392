"""Demo neighbourhood work of the demo social-health bases (seed 004): a needs assessment with informants,
assets, a harm map inside the activity area drawn by ``centers.demo.lifecycle`` (a 0.008° square around the
base), a participatory plan, collective actions and partnerships. Idempotent: a base that already has an
assessment is left as it is. If the base's demo center is missing, nothing is seeded."""

import datetime

from django.utils import timezone

from community import geo
from community.models import (
    CollectiveAction,
    HarmSite,
    Informant,
    LocalAsset,
    LocalProblem,
    NeedsAssessment,
    ParticipatoryPlan,
    Partnership,
    PlanAction,
    Stakeholder,
)

# slug -> (lon, lat) of the base's neighbourhood (as centers.demo.lifecycle.PLACES)
BASES = {"isf-base-zeinabiyeh": (51.720, 32.705), "isf-base-malekshahr": (51.640, 32.700)}

PROBLEMS = [
    ("مصرف مواد مخدر در میان جوانان پیرامون پارک محله", "addiction"),
    ("بیکاری جوانان و زنان سرپرست خانوار", "unemployment"),
    ("کار کودکان در بازارچه و چهارراه‌ها", "child_labour"),
    ("ترک تحصیل دختران در دوره متوسطه", "school_dropout"),
    ("افزایش طلاق در زوج‌های جوان", "divorce"),
]
INFORMANTS = [("حجت‌الاسلام محمدی", "امام جماعت مسجد محله"), ("خانم رضایی", "مدیر دبستان دخترانه"),
              ("آقای کریمی", "عضو شورای اجتماعی محله"), ("خانم نوری", "مراقب سلامت پایگاه بهداشت")]
ASSETS = [
    ("people", "گروه بانوان داوطلب محله", "۱۲ نفر آماده همکاری در آموزش مهارت‌های زندگی", "۰۹۱۳۱۲۳۴۵۶۷"),
    ("place", "سرای محله", "سالن ۸۰ نفره برای کارگاه‌ها و جلسات", "۰۳۱۳۴۵۶۷۸۹۰"),
    ("place", "کتابخانه مسجد", "فضای مطالعه و کلاس‌های تقویتی", ""),
    ("organisation", "پایگاه بهداشت محله", "غربالگری و آموزش سلامت روان", "۰۳۱۳۲۲۲۱۱۱۱"),
    ("organisation", "کانون فرهنگی مسجد", "برنامه‌های نوجوانان و اردو", ""),
    ("fund", "صندوق قرض‌الحسنه محله", "وام خرد اشتغال تا ۵۰ میلیون ریال", ""),
]
# (title, category, severity, offset (dlon, dlat) or a polygon of offsets, days ago)
HARMS = [
    ("پارک محله، ضلع شمالی", "addiction", 5, (0.0015, 0.0020), 20),
    ("کوچه پشت بازارچه", "addiction", 3, (-0.0020, 0.0008), 35),
    ("چهارراه اصلی محله", "child_labour", 4, (0.0005, -0.0015), 12),
    ("بازارچه محلی", "child_labour", 2, (-0.0010, -0.0005), 40),
    ("بلوک‌های مسکونی جنوب محله", "unemployment",  4,
     [(-0.003, -0.003), (-0.0005, -0.003), (-0.0005, -0.0018), (-0.003, -0.0018)], 60),
    ("خیابان فرعی شرقی", "domestic_violence", 3, (0.0025, -0.0005), 25),
    ("زمین بایر کنار کانال", "environment", 2,
     [(0.0018, 0.0030), (0.0034, 0.0030), (0.0034, 0.0038), (0.0018, 0.0038)], 90),
    ("محدوده دبیرستان دخترانه", "school_dropout", 3, (-0.0028, 0.0025), 50),
    ("کوچه‌های قدیمی غرب محله", "divorce", 2, (-0.0033, -0.0002), 70),
]


def _geometry(lon, lat, where):
    if isinstance(where, tuple):
        return geo.validate_harm_geometry({"type": "Point", "coordinates": [lon + where[0], lat + where[1]]})
    ring = [[round(lon + dx, 6), round(lat + dy, 6)] for dx, dy in where]
    return geo.validate_harm_geometry({"type": "Polygon", "coordinates": [ring + [ring[0]]]})


def seed(ctx):
    today = timezone.localdate()
    for slug, (lon, lat) in BASES.items():
        center = ctx.centers.get(slug)
        chair = ctx.users.get(f"{slug}-chair")
        if center is None or chair is None or NeedsAssessment.objects.filter(center=center).exists():
            continue
        assessed = today - datetime.timedelta(days=100)
        assessment = NeedsAssessment.objects.create(
            center=center, title="نیازسنجی مشارکتی محله — بهار", neighbourhood=center.activity_area_description
            or center.name, assessed_on=assessed, created_by=chair,
            method="سه نشست گروهی با ساکنان، مصاحبه با مطلعان محلی و پیمایش میدانی کوچه‌ها",
            summary="اعتیاد جوانان و بیکاری، دو مسئله نخست محله به تشخیص ساکنان و مطلعان محلی است.")
        problems = [LocalProblem.objects.create(center=center, assessment=assessment, problem=text, category=category,
                                                priority_rank=rank)
                    for rank, (text, category) in enumerate(PROBLEMS, start=1)]
        for name, role in INFORMANTS:
            Informant.objects.create(center=center, assessment=assessment, name=name, role=role)
        for kind, name, description, contact in ASSETS:
            LocalAsset.objects.create(center=center, kind=kind, name=name, description=description, contact=contact,
                                      recorded_on=assessed + datetime.timedelta(days=7), created_by=chair)
        for title, category, severity, where, days in HARMS:
            HarmSite.objects.create(center=center, title=title, category=category, severity=severity,
                                    geometry=_geometry(lon, lat, where), created_by=chair,
                                    observed_on=today - datetime.timedelta(days=days),
                                    source="گزارش مطلعان محلی و پیمایش میدانی")
        plan = ParticipatoryPlan.objects.create(
            center=center, title="برنامه مشارکتی پیشگیری از اعتیاد و توانمندسازی جوانان",
            starts_on=assessed + datetime.timedelta(days=20), ends_on=assessed + datetime.timedelta(days=385),
            goals="کاهش مصرف مواد در پارک محله و ایجاد فرصت مهارت‌آموزی برای جوانان بیکار",
            status=ParticipatoryPlan.Status.ADOPTED, created_by=chair)
        plan.problems.set(problems[:2])
        for name, kind, role in (("ساکنان محله", "residents", "شناسایی و گزارش، مشارکت در پویش‌ها"),
                                 ("شهرداری منطقه", "municipality", "روشنایی و بازسازی پارک"),
                                 ("مسجد محله", "religious", "فضای کلاس‌ها و جلب مشارکت"),
                                 ("پایگاه بهداشت", "health", "آموزش و ارجاع درمانی")):
            Stakeholder.objects.create(center=center, plan=plan, name=name, kind=kind, role=role)
        for n, (title, responsible, status) in enumerate((
                ("کارگاه مهارت‌های زندگی برای نوجوانان", "پایگاه سلامت اجتماعی", "done"),
                ("بهسازی و روشنایی پارک", "شهرداری منطقه", "in_progress"),
                ("دوره مهارت‌آموزی جوانان بیکار", "پایگاه سلامت اجتماعی", "planned"))):
            PlanAction.objects.create(center=center, plan=plan, title=title, responsible=responsible, status=status,
                                      due_on=plan.starts_on + datetime.timedelta(days=60 + 90 * n))
        for title, category, days, reach, people in (
                ("پویش محله بدون دود", "addiction", 70, 420, 35),
                ("کارگاه فرزندپروری در سرای محله", "domestic_violence", 45, 60, 8),
                ("جشن پایان کلاس‌های تابستانی کودکان کار", "child_labour", 15, 150, 20)):
            CollectiveAction.objects.create(center=center, plan=plan, title=title, category=category,
                                            held_on=today - datetime.timedelta(days=days), reach=reach,
                                            participants=people, created_by=chair,
                                            participants_description="داوطلبان محله، مربیان و کارکنان پایگاه")
        for body, kind, subject, days in (
                ("شهرداری منطقه", "municipality", "بهسازی پارک و در اختیار گذاشتن سرای محله", 200),
                ("آموزش و پرورش ناحیه", "school", "برنامه پیشگیری در مدارس محله", 150),
                ("کلانتری محله", "government", "هماهنگی برای امنیت پارک و ارجاع کودکان کار", 90)):
            Partnership.objects.create(center=center, body=body, kind=kind, subject=subject, created_by=chair,
                                       started_on=today - datetime.timedelta(days=days))
