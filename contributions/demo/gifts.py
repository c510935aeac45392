"""Demo data of the gifts area: the charity celebration campaign of 1405 at the demo relief centers, about
forty cash gifts across purposes and channels (charity boxes anonymous, a few bank transfers with their
tracking numbers), a few service and construction gifts, and a couple recorded but not yet confirmed.

Everything is written through the services (a demo gift posts to the ledger like a real one). Idempotent:
the campaign is found by name, and the gifts are recorded only once (the first demo gift's bank reference
marks the batch).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from centers.models import Center
from contributions.models import Campaign, Contribution
from contributions.services import gifts as services
from core import validators
from donors.models import Donor

CAMPAIGN_NAME = "جشن نیکوکاری ۱۴۰۵"
CAMPAIGN_CENTERS = ["isf-jame", "isf-hakim", "isf-university", "kashan-agha-bozorg", "najafabad-jame",
                    "khomeinishahr-factory"]
GIFT_CENTERS = ["isf-jame", "isf-hakim", "kashan-agha-bozorg", "najafabad-jame"]
MARK = "DEMO-GIFT-0001"

# (purpose, weight): most gifts are general or sadaqah, as the centers' reports show.
PURPOSES = [("general", 8), ("sadaqah", 6), ("zakat", 3), ("orphan_sponsorship", 3), ("dowry", 2), ("food", 3),
            ("kaffara", 1), ("nazr", 2), ("health", 1), ("education", 1)]
CHANNELS = [("in_person", 8), ("charity_box", 4), ("bank_transfer", 4), ("online", 2), ("payroll", 1),
            ("sms_ussd", 1)]
AMOUNTS = [500_000, 1_000_000, 2_000_000, 2_500_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000]

# Used only when the donors area seeded no donor of the relief committee.
DEMO_DONORS = [("حمید", "توکلی", "128456781", "09131234501"), ("سارا", "مقدم", "128456792", "09131234502"),
               ("علیرضا", "کاشانی", "127654321", "09131234503"), ("نسرین", "شفیعی", "129876543", "09131234504")]


def _weighted(rng: random.Random, table):
    return rng.choices([v for v, _w in table], weights=[w for _v, w in table])[0]


def _donors(ctx) -> list[Donor]:
    relief = ctx.organizations["relief_committee"]
    donors = list(Donor.objects.filter(organization=relief, merged_into__isnull=True).order_by("pk")[:12])
    if donors:
        return donors
    for first, last, first9, mobile in DEMO_DONORS:
        code = first9 + str(validators.national_code_check_digit(first9))
        donor, _created = Donor.objects.get_or_create(organization=relief, national_code=code, defaults={
            "first_name": first, "last_name": last, "mobile": mobile, "contact_by_sms": True})
        donors.append(donor)
    return donors


def _campaign(ctx, today) -> Campaign:
    relief = ctx.organizations["relief_committee"]
    campaign, _created = Campaign.objects.get_or_create(name=CAMPAIGN_NAME, organization=relief, defaults={
        "occasion": Campaign.Occasion.CHARITY_CELEBRATION, "starts_on": today - datetime.timedelta(days=45),
        "ends_on": today + datetime.timedelta(days=15), "goal_amount": 2_000_000_000})
    campaign.centers.add(*[ctx.centers[s] for s in CAMPAIGN_CENTERS if s in ctx.centers])
    return campaign


def seed(ctx):
    """Idempotent: the campaign always, the gifts only once."""
    today = timezone.localdate()
    campaign = _campaign(ctx, today)
    centers: list[Center] = [ctx.centers[s] for s in GIFT_CENTERS if s in ctx.centers]
    if not centers or Contribution.objects.filter(external_reference=MARK).exists():
        return
    donors = _donors(ctx)
    rng = random.Random(1405)  # noqa: S311 - demo data, not security
    for n in range(1, 41):
        center = centers[n % len(centers)]
        channel = "bank_transfer" if n == 1 else _weighted(rng, CHANNELS)
        anonymous = channel == "charity_box" or rng.random() < 0.15
        received_on = today - datetime.timedelta(days=rng.randint(0, 40))
        kwargs = {
            "center": center, "purpose": _weighted(rng, PURPOSES), "amount": rng.choice(AMOUNTS),
            "received_on": received_on, "channel": channel,
            "donor": None if anonymous else rng.choice(donors),
            "campaign": campaign if campaign.starts_on <= received_on and rng.random() < 0.6 else None,
            "external_reference": f"DEMO-GIFT-{n:04d}" if channel not in services.CASH_CHANNELS else "",
            "note": "صندوق صدقات ورودی مسجد" if channel == "charity_box" else "",
        }
        finance = ctx.users.get(f"{center.slug}-finance-officer")
        if n in (4, 13, 26):  # a few wait for the finance officer (one at each of the first centers)
            services.contribution_record(kind=Contribution.Kind.CASH, user=ctx.users.get(
                f"{center.slug}-donor-relations-men"), **kwargs)
        else:
            services.contribution_record_cash(user=finance, **kwargs)

    jame, hakim = ctx.centers.get("isf-jame"), ctx.centers.get("isf-hakim")
    for center, service, value, donor in (
        (jame, services.ServiceGiven(service_type="medical", measure="sessions", quantity=12,
                                     description="ویزیت رایگان خانوارهای تحت پوشش در درمانگاه محله"),
         60_000_000, donors[0]),
        (jame, services.ServiceGiven(service_type="teaching", measure="hours", quantity=40,
                                     description="کلاس تقویتی ریاضی برای دانش‌آموزان"), 24_000_000, donors[-1]),
        (hakim, services.ServiceGiven(service_type="legal", measure="sessions", quantity=5,
                                      description="مشاوره حقوقی رایگان"), 15_000_000, donors[1 % len(donors)]),
    ):
        if center is None:
            continue
        gift = services.contribution_record(center=center, kind="service", purpose="general", amount=value,
                                            received_on=today - datetime.timedelta(days=7), donor=donor,
                                            service=service, user=ctx.users.get(f"{center.slug}-vice-chair"))
        services.contribution_confirm(contribution=gift, user=ctx.users.get(f"{center.slug}-finance-officer"))
    if jame is not None:
        gift = services.contribution_record(
            center=jame, kind="construction", purpose="housing", amount=1_800_000_000,
            received_on=today - datetime.timedelta(days=20), donor=donors[0],
            construction=services.ConstructionGiven(
                form="donor_built", facility_type="housing", facility_name="واحد مسکونی خیرساز محله دارک",
                address="اصفهان، محله دارک، کوچه شهید رضایی", area_m2=75,
                completed_on=today - datetime.timedelta(days=25)),
            user=ctx.users.get("isf-jame-chair"))
        services.contribution_confirm(contribution=gift, user=ctx.users.get("isf-jame-finance-officer"))
    if hakim is not None:
        services.contribution_record(
            center=hakim, kind="construction", purpose="general", amount=350_000_000,
            received_on=today - datetime.timedelta(days=3), donor=None,
            construction=services.ConstructionGiven(
                form="participation", facility_type="center_building", facility_name="بازسازی دفتر مرکز",
                area_m2=40), user=ctx.users.get("isf-hakim-chair"))
