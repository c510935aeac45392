"""Demo data of the pledges area: a monthly zakat pledge, an orphan sponsorship (Ekram) with one overdue
month, a family sponsorship (Mohsenin) that is paused, and a one-off dowry pledge in kind, with some paid
instalments. Idempotent: donors are found by mobile, pledges by their note."""

import datetime

from django.utils import timezone

from contributions.models import Pledge
from contributions.services import pledges as services
from contributions.services.gifts import donor_link
from core.jalali import to_jalali
from donors.models import Donor

# (center slug, mobile, first name, last name, legal name)
DONORS = [
    ("isf-jame", "09131110001", "حسن", "رحیمی", ""),
    ("isf-jame", "09131110002", "فاطمه", "موسوی", ""),
    ("isf-jame", "09131110003", "مجید", "کاظمی", ""),
    ("isf-hakim", "09131110004", "", "", "شرکت فرش زاگرس اصفهان"),
]

# (center slug, donor mobile, note, arguments of pledge_create besides the dates, months ago it started,
#  day due, rials paid so far, pause reason)
PLEDGES = [
    ("isf-jame", "09131110001", "زکات ماهانه — دموی تعهدات",
     {"kind": "monthly", "purpose": "zakat", "amount": 2_000_000}, 3, 5, 6_000_000, None),
    ("isf-jame", "09131110002", "کفالت یتیم (اکرام) — دموی تعهدات",
     {"kind": "monthly", "target": "orphan_sponsorship", "amount": 5_000_000, "instalment_count": 12,
      "sponsorship_reference": "EKR-1403-0117",
      "sponsorship_profile": "دختر ده‌ساله، پایه چهارم دبستان، ساکن اصفهان"}, 2, 1, 5_000_000, None),
    ("isf-jame", "09131110003", "کفالت خانواده (محسنین) — دموی تعهدات",
     {"kind": "monthly", "target": "family_sponsorship", "amount": 8_000_000, "instalment_count": 6,
      "sponsorship_reference": "MHS-1403-0042",
      "sponsorship_profile": "خانواده سه‌نفره با سرپرست زن، ساکن اصفهان"}, 1, 10, 8_000_000, "سفر زیارتی خیر"),
    ("isf-hakim", "09131110004", "جهیزیه یک زوج جوان — دموی تعهدات",
     {"kind": "one_off", "purpose": "dowry", "amount": 350_000_000,
      "goods": services.PledgeGoods(description="یخچال و اجاق گاز", unit="set", quantity=1)}, -1, 15, 0, None),
]


def _months_ago(today: datetime.date, n: int) -> tuple[int, int]:
    j = to_jalali(today)
    index = j.year * 12 + j.month - 1 - n
    return index // 12, index % 12 + 1


def seed(ctx):
    """Runs inside seed_demo's reviewed ``scopes_disabled`` block."""
    today = timezone.localdate()
    relief = ctx.organizations["relief_committee"]
    donors = {}
    for slug, mobile, first, last, legal in DONORS:
        donor = Donor.objects.filter(organization=relief, mobile=mobile).first()
        if donor is None:
            donor = Donor.objects.create(organization=relief, mobile=mobile, first_name=first, last_name=last,
                                         legal_name=legal, kind="legal" if legal else "person")
        donor_link(center=ctx.centers[slug], donor=donor)
        donors[mobile] = donor
    chair = None
    for slug, mobile, note, args, months_ago, day, paid, pause_reason in PLEDGES:
        center = ctx.centers[slug]
        if Pledge.objects.filter(center=center, note=note).exists():
            continue
        chair = ctx.users.get(f"{slug}-chair")
        year, month = _months_ago(today, months_ago)
        pledge = services.pledge_create(center=center, donor=donors[mobile], start_year=year, start_month=month,
                                        due_day=day, note=note, user=chair, **args)
        if paid:
            services.pledge_record_payment(pledge=pledge, amount=paid, received_on=today, user=chair)
        if pause_reason:
            services.pledge_pause(pledge=pledge, reason=pause_reason, user=chair)
    for slug in sorted({row[0] for row in PLEDGES}):
        services.pledge_mark_overdue_and_remind(center=ctx.centers[slug], today=today)
