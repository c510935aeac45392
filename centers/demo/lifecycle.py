"""Demo data of the lifecycle area: every status with its history, licenses (one close to expiry), profiles with
valid sheba numbers at the designated bank, and activity areas around Isfahan, Kashan, Najafabad and
Khomeinishahr (two of them overlapping)."""

import datetime

from django.utils import timezone

from centers.models import Center, CenterTransition, License, ServedArea
from centers.services.lifecycle import _activity_code, designated_bank_codes, jalali_years_later
from core.validators import iban_from_bban

S = Center.Status
# (lon, lat) of each demo center's neighbourhood.
PLACES = {
    "isf-jame": (51.685, 32.668), "isf-hakim": (51.680, 32.662), "isf-seyyed": (51.655, 32.655),
    "isf-university": (51.660, 32.610), "isf-zeinabieh": (51.700, 32.700), "kashan-agha-bozorg": (51.440, 33.980),
    "kashan-school": (51.460, 33.990), "najafabad-jame": (51.365, 32.635), "najafabad-clinic": (51.380, 32.620),
    "khomeinishahr-factory": (51.520, 32.690), "isf-base-zeinabiyeh": (51.720, 32.705),
    "isf-base-malekshahr": (51.640, 32.700), "kashan-base-fin": (51.400, 33.960),
    "khomeinishahr-base": (51.540, 32.700),
}
HALF_SIDE = 0.004  # "isf-jame" and "isf-hakim" are 0.005 apart in longitude and 0.006 in latitude: they overlap
PATHS = {  # status -> the transitions that led there
    S.APPLICATION: [],
    S.REVIEW: [("submit", S.APPLICATION, S.REVIEW)],
    S.LICENSED: [("submit", S.APPLICATION, S.REVIEW), ("license", S.REVIEW, S.LICENSED)],
    S.SUSPENDED: [("submit", S.APPLICATION, S.REVIEW), ("license", S.REVIEW, S.LICENSED),
                  ("suspend", S.LICENSED, S.SUSPENDED)],
    S.REVOKED: [("submit", S.APPLICATION, S.REVIEW), ("license", S.REVIEW, S.LICENSED),
                ("revoke", S.LICENSED, S.REVOKED)],
    S.DISSOLVED: [("submit", S.APPLICATION, S.REVIEW), ("license", S.REVIEW, S.LICENSED),
                  ("revoke", S.LICENSED, S.REVOKED), ("dissolve", S.REVOKED, S.DISSOLVED)],
}
REASONS = {
    "suspend": "گزارش نظارت میدانی: ثبت نشدن کمک‌های مردمی در سامانه",
    "revoke": "فعالیت خارج از محدوده و افتتاح حساب در بانک غیرمجاز",
    "dissolve": "انحلال به درخواست هیات امنا پس از ابطال مجوز",
}
ASSETS = "اموال و ملزومات اداری با نظارت کمیته امداد به مرکز نیکوکاری مسجد جامع واگذار شد."


def _square(lon, lat):
    d = HALF_SIDE
    return {"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d],
                                                [lon - d, lat + d], [lon - d, lat - d]]]}


def seed(ctx):
    """Idempotent: brings the demo centers' lifecycle records up to date."""
    today = timezone.localdate()
    supervisor = ctx.users.get("isfahan-relief-supervisor")
    bank = designated_bank_codes()[0]
    for index, (slug, center) in enumerate(sorted(ctx.centers.items())):
        lon, lat = PLACES.get(slug, (51.67, 32.65))
        center.address = f"{center.county.name}، {center.host_place_name}"
        center.postal_code = f"81{'3456789'[index % 7]}{'13'[index % 2]}5{index + 10000:05d}"
        center.phone = f"031{32000000 + index * 1111:08d}"
        center.iban = iban_from_bban(f"{bank}{index + 1:019d}")
        center.activity_area = _square(lon, lat)
        center.activity_area_description = f"محله‌های پیرامون {center.host_place_name}"
        if center.status not in (S.APPLICATION, S.REVIEW):
            center.activity_code = _activity_code(center)
        center.save()
        if CenterTransition.objects.filter(center=center).exists():
            continue
        started = today - datetime.timedelta(days=400 - index)
        for step, (name, source, target) in enumerate(PATHS[center.status]):
            data = {"assets": ASSETS} if name == "dissolve" else {}
            CenterTransition.objects.create(center=center, name=name, from_status=source, to_status=target,
                                            actor=supervisor if name != "submit" else None,
                                            reason=REASONS.get(name, ""), data=data)
            if name == "license":
                # One license close to expiry (isf-hakim), the others valid for a year from last spring.
                valid_from = (today - datetime.timedelta(days=340)) if slug == "isf-hakim" else started + \
                    datetime.timedelta(days=step * 10)
                License.objects.get_or_create(center=center, valid_from=valid_from, defaults={
                    "activity_code": center.activity_code, "issued_by": supervisor,
                    "valid_until": (today + datetime.timedelta(days=20) if slug == "isf-hakim"
                                    else jalali_years_later(valid_from, 2))})
    jame = ctx.centers.get("isf-jame")
    if jame is not None:
        ServedArea.objects.get_or_create(center=jame, description="محله‌های کم‌برخوردار دارک و ارزنان", defaults={
            "area": _square(51.700, 32.630)})
