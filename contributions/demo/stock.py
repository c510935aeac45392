"""Demo data of the stock area: a few in-kind gifts at a demo center (rice, cooking oil, dates, winter
clothing, and fresh dairy expiring in three days so the "distribute now" list is not empty), confirmed into
the stock, and one distribution. Idempotent: each gift is found by its note."""

import datetime
from decimal import Decimal

from django.utils import timezone

from centers.services.lifecycle import center_operating_problem
from contributions.models import Contribution, StockItem
from contributions.services.gifts import GoodsLine, contribution_confirm, contribution_record
from contributions.services.stock import stock_distribute

CENTER = "isf-jame"

# (note, purpose, days ago, [(category, description, unit, quantity, unit value, perishable, expires in days)])
GIFTS = [
    ("demo-stock: برنج و روغن بازار", "food", 20, [
        ("food", "برنج ایرانی", "kg", "300", 1_200_000, False, None),
        ("food", "روغن مایع", "litre", "80", 950_000, False, 240),
    ]),
    ("demo-stock: خرمای ماه رمضان", "sadaqah", 12, [
        ("food", "خرمای مضافتی", "kg", "120", 1_500_000, True, 45),
    ]),
    ("demo-stock: لبنیات فروشگاه محله", "food", 2, [
        ("food", "شیر پاکتی", "pack", "60", 180_000, True, 3),
        ("food", "پنیر", "pack", "25", 350_000, True, 6),
    ]),
    ("demo-stock: پوشاک زمستانی", "general", 8, [
        ("clothing", "کاپشن زمستانی کودک", "piece", "40", 4_500_000, False, None),
        ("clothing", "پتو", "piece", "30", 3_200_000, False, None),
    ]),
]


def seed(ctx):
    """Idempotent: records and confirms the demo gifts once, then hands out some rice."""
    center = ctx.centers.get(CENTER)
    if center is None or center_operating_problem(center) is not None:
        return
    user = ctx.users.get(f"{CENTER}-finance-officer")
    today = timezone.localdate()
    for note, purpose, days_ago, lines in GIFTS:
        if Contribution.objects.filter(center=center, note=note).exists():
            continue
        gift = contribution_record(
            center=center, kind=Contribution.Kind.IN_KIND, purpose=purpose,
            received_on=today - datetime.timedelta(days=days_ago), note=note, user=user,
            goods=[GoodsLine(category=category, description=description, unit=unit, quantity=Decimal(quantity),
                             unit_value=unit_value, perishable=perishable,
                             expires_on=today + datetime.timedelta(days=expires) if expires else None)
                   for category, description, unit, quantity, unit_value, perishable, expires in lines])
        contribution_confirm(contribution=gift, user=user)
        if note == GIFTS[0][0]:
            rice = StockItem.objects.get(center=center, key="برنج ایرانی", unit="kg")
            stock_distribute(center=center, item=rice, quantity=Decimal("50"), purpose="food",
                             recipient_reference="بسته‌های ماهانه – ۱۰ خانوار", user=user)
