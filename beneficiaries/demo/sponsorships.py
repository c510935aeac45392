"""Demo sponsorships: the demo orphan-sponsorship pledge (Ekram) of the Jame mosque center linked to an orphan of
the demo household that has three, and its family-sponsorship pledge (Mohsenin) linked to the mother and daughter
of another, each with progress notes for the donor (published and not). Written through the services, so the
notes pass the identifier check. Idempotent: a pledge already linked is left alone."""

import datetime

from django.utils import timezone

from beneficiaries import crypto, services
from beneficiaries.demo.households import _code
from beneficiaries.models import Member, Sponsorship
from centers.access import actor_for
from contributions.models import Pledge

# (center slug, the pledge's note in contributions.demo.pledges, head's 9 digits, orphan's first name or None,
#  [(days ago, note, published)])
SPONSORSHIPS = [
    ("isf-jame", "کفالت یتیم (اکرام) — دموی تعهدات", "128301457", "علی",
     [(40, "کارنامه نیم‌سال اول با معدل خوب دریافت شد و در کلاس تقویتی ریاضی ثبت‌نام کرد.", True),
      (10, "لوازم‌التحریر و کفش زمستانی از محل کمک ماهانه تهیه شد.", True),
      (3, "پیگیری بیمه تکمیلی در جریان است (یادداشت داخلی، منتشر نشده).", False)]),
    ("isf-jame", "کفالت خانواده (محسنین) — دموی تعهدات", "128301784", None,
     [(20, "هزینه درمان فرزند خانواده برای سه ماه تأمین شد.", True)]),
]


def seed(ctx):
    """Runs inside seed_demo's reviewed ``scopes_disabled`` block, after the households."""
    today = timezone.localdate()
    for slug, pledge_note, head_digits, orphan, notes in SPONSORSHIPS:
        center = ctx.centers[slug]
        pledge = Pledge.objects.filter(center=center, note=pledge_note).first()
        head = Member.objects.filter(center=center, national_code_index=crypto.blind_index(_code(head_digits)),
                                     relation="head").select_related("household").first()
        if pledge is None or head is None or Sponsorship.objects.filter(pledge=pledge).exists():
            continue
        actor = actor_for(ctx.users[f"{slug}-vice-chair"], second_factor_passed=True)
        member = (Member.objects.filter(household=head.household, first_name=orphan, is_orphan=True).first()
                  if orphan else None)
        sponsorship = services.sponsorship_create(actor=actor, pledge=pledge, household=head.household,
                                                  member=member, starts_on=today - datetime.timedelta(days=60))
        for days_ago, text, published in notes:
            services.progress_note_add(actor=actor, sponsorship=sponsorship, text=text, published=published,
                                       written_on=today - datetime.timedelta(days=days_ago))
