"""Demo social work: a few case notes and referrals on the demo households, written through the services by
each center's social-work officer (or its vice-chair where the demo board has none). One referral is left
unanswered past the answer period, so the center's referrals page shows an overdue one; one note is a
correction of an earlier one. Idempotent: a household that already has notes or referrals is left alone."""

import datetime

from django.utils import timezone

from beneficiaries import crypto, services
from beneficiaries.models import CaseNote, Member, Referral
from centers.access import actor_for

from .households import _code

# (center slug, head's first nine digits, notes [(kind, days ago, text, follow up in days or None)],
#  referrals [(body, body name, reason, days ago, [(status, days ago, note, outcome)])])
SOCIAL_WORK = [
    ("isf-jame", "128301457",
     [("home_visit", 40, "بازدید از منزل انجام شد. مادر سرپرست خانوار است و سه فرزند یتیم در سن تحصیل دارد. "
                         "منزل استیجاری و اجاره دو ماه عقب افتاده است.", 30),
      ("phone_call", 12, "تماس تلفنی برای پیگیری ثبت‌نام فرزندان در مدرسه؛ ثبت‌نام انجام شده است.", None)],
     [("relief_committee", "", "معرفی برای بررسی پوشش حمایتی مستمر و طرح اکرام ایتام.", 45,
       [])]),
    ("isf-jame", "128301784",
     [("office_meeting", 20, "مراجعه حضوری به مرکز. فرزند دارای معلولیت جسمی-حرکتی نیاز به ویلچر دارد.", 10)],
     [("welfare", "", "معرفی فرزند دارای معلولیت برای دریافت وسایل کمک‌توانبخشی.", 18,
       [("accepted", 10, "پرونده در اداره بهزیستی تشکیل شد.", "")]),
      ("health", "دانشگاه علوم پزشکی اصفهان", "نیاز به ارزیابی پزشکی و فیزیوتراپی فرزند.", 60,
       [("accepted", 50, "نوبت ارزیابی داده شد.", ""),
        ("done", 30, "", "ارزیابی انجام شد و ده جلسه فیزیوتراپی رایگان تخصیص یافت.")])]),
    ("isf-hakim", "128302217",
     [("home_visit", 6, "سرپرست فاقد مسکن است و شب‌ها در منزل یکی از آشنایان می‌ماند؛ توان کار دارد.", 14)],
     [("employment", "مرکز آموزش فنی و حرفه‌ای اصفهان", "معرفی برای دوره مهارت‌آموزی جوشکاری.", 5, [])]),
    ("kashan-agha-bozorg", "125401119",
     [("home_visit", 16, "بازدید از منزل روستایی؛ سقف اتاق نیاز به تعمیر دارد و فرزند دارای معلولیت است.", None),
      ("follow_up", 3, "پیگیری پرونده بیمه روستایی؛ مدارک تکمیل شد.", None)],
     [("housing", "", "نیاز به تعمیر سقف منزل روستایی.", 15,
       [("declined", 5, "", "در سهمیه امسال بنیاد مسکن قرار نگرفت؛ سال آینده دوباره معرفی شود.")])]),
]

# A later correction of a household's first note (notes are never changed after their day).
CORRECTIONS = {"128301457": "اصلاح یادداشت بازدید: اجاره منزل سه ماه عقب افتاده است، نه دو ماه."}


def seed(ctx):
    today = timezone.localdate()
    for slug, digits, notes, referrals in SOCIAL_WORK:
        center = ctx.centers[slug]
        member = (Member.objects.filter(center=center, national_code_index=crypto.blind_index(_code(digits)),
                                        relation=Member.Relation.HEAD).select_related("household").first())
        if member is None:
            continue
        household = member.household
        if CaseNote.objects.filter(center=center, household=household).exists() or \
                Referral.objects.filter(center=center, household=household).exists():
            continue
        user = ctx.users.get(f"{slug}-social-work-officer") or ctx.users[f"{slug}-vice-chair"]
        actor = actor_for(user, second_factor_passed=True)
        written = []
        for kind, days_ago, text, follow_up in notes:
            noted_on = today - datetime.timedelta(days=days_ago)
            written.append(services.case_note_write(
                actor=actor, household=household, kind=kind, noted_on=noted_on, text=text,
                follow_up_on=noted_on + datetime.timedelta(days=follow_up) if follow_up else None))
        if digits in CORRECTIONS:
            services.case_note_write(actor=actor, household=household, kind=written[0].kind, noted_on=today,
                                     text=CORRECTIONS[digits], corrects=written[0])
        for body, name, reason, days_ago, changes in referrals:
            referral = services.referral_make(actor=actor, household=household, body=body, body_name=name,
                                              reason=reason, referred_on=today - datetime.timedelta(days=days_ago))
            for status, changed_ago, note, outcome in changes:
                referral = services.referral_status_change(
                    actor=actor, referral=referral, to_status=status,
                    changed_on=today - datetime.timedelta(days=changed_ago), note=note, outcome=outcome)
