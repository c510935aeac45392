"""Demo aid distributions: a few at the demo centers, on the demo households, from the demo funds, stock and
donated services (``contributions.demo``), written through the services like real ones — a food package,
winter clothing from general goods on a board decision, a donated medical visit, cash from whichever fund
holds it, and a dowry case approved and (when the dowry fund allows) delivered.

Idempotent: a demo center that already has any distribution is skipped. Anything
the demo funds or stock cannot cover is skipped too, never forced."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from beneficiaries import crypto
from beneficiaries.models import AidDistribution, Member
from beneficiaries.services import distributions as services
from centers.access import actor_for
from centers.services.lifecycle import center_operating_problem
from contributions.models import StockItem
from contributions.services.ledger import fund_balances

from .households import _code

APPROVAL = "1405/02-1"  # the board decision the demo cites for using general goods and services


def _household(center, digits):
    head = (Member.objects.filter(center=center, national_code_index=crypto.blind_index(_code(digits)))
            .select_related("household").first())
    return head.household if head is not None else None


def _item(center, key):
    return StockItem.objects.filter(center=center, key=key).first()


def _try(call):
    """Records one demo distribution; a refusal (the demo stock or fund does not cover it) skips it."""
    try:
        return call()
    except ValidationError:
        return None


def _jame(ctx, center):
    actor = actor_for(ctx.users[f"{center.slug}-vice-chair"], second_factor_passed=True)
    karimi, jafari, sadeghi, nouri = (_household(center, d) for d in
                                      ("128301457", "128301784", "128301673", "128301562"))
    rice, oil = _item(center, "برنج ایرانی"), _item(center, "روغن مایع")
    if karimi and rice and oil:
        _try(lambda: services.distribution_record_goods(
            actor=actor, household=karimi, purpose="food", note="سبد غذایی ماهانه",
            goods=[services.GoodsRequest(rice, Decimal("10")), services.GoodsRequest(oil, Decimal("2"))]))
    jacket, blanket = _item(center, "کاپشن زمستانی کودک"), _item(center, "پتو")
    if jafari and jacket and blanket:
        _try(lambda: services.distribution_record_goods(
            actor=actor, household=jafari, purpose="general", source_purpose="general",
            approval_reference=APPROVAL, note="پوشاک زمستانی",
            goods=[services.GoodsRequest(jacket, Decimal("1")), services.GoodsRequest(blanket, Decimal("2"))]))
    if sadeghi:
        _try(lambda: services.distribution_record_service(
            actor=actor, household=sadeghi, purpose="health", source_purpose="general", approval_reference=APPROVAL,
            service_type="medical", measure="sessions", quantity=2, note="ویزیت رایگان در درمانگاه محله"))
    if nouri:
        balances = fund_balances(center=center)
        for purpose in ("sadaqah", "food", "zakat", "general"):
            if balances.get(purpose, 0) >= 5_000_000:
                general = purpose == "general"
                _try(lambda purpose=purpose, general=general: services.distribution_record_cash(
                    actor=actor, household=nouri, purpose="food" if general else purpose,
                    source_purpose=purpose, approval_reference=APPROVAL if general else "", amount=5_000_000,
                    note="کمک هزینه معیشت"))
                break


def _hakim(ctx, center):
    actor = actor_for(ctx.users[f"{center.slug}-vice-chair"], second_factor_passed=True)
    finance = actor_for(ctx.users[f"{center.slug}-finance-officer"], second_factor_passed=True)
    rahimi = _household(center, "128302106")
    if rahimi is None:
        return
    bride = rahimi.members.exclude(pk=rahimi.head_id).order_by("pk").first()
    if bride is None:
        return
    case = _try(lambda: services.dowry_case_request(
        actor=actor, household=rahimi, member=bride, wedding_on=timezone.localdate() + datetime.timedelta(days=45),
        spouse_name="علی محمدی", note="معرفی امام جماعت مسجد",
        items=[services.DowryItemInput("یخچال فریزر", 420_000_000), services.DowryItemInput("فرش ماشینی", 150_000_000),
               services.DowryItemInput("اجاق گاز", 180_000_000), services.DowryItemInput("سرویس ظروف", 60_000_000)]))
    if case is None:
        return
    case = services.dowry_case_approve(actor=finance, case=case, approval_reference=APPROVAL)
    amount = min(fund_balances(center=center).get("dowry", 0), 150_000_000)
    if amount > 0:
        done = _try(lambda: services.distribution_record_cash(actor=actor, household=rahimi, purpose="dowry",
                                                              amount=amount, dowry_case=case,
                                                              note="سهم صندوق جهیزیه"))
        if done is not None:
            services.dowry_case_deliver(actor=actor, case=case)


def seed(ctx):
    """Idempotent: each demo center gets its demo distributions once."""
    for slug, build in (("isf-jame", _jame), ("isf-hakim", _hakim)):
        center = ctx.centers.get(slug)
        if center is None or center_operating_problem(center) is not None:
            continue
        if AidDistribution.objects.filter(center=center).exists():
            continue
        build(ctx, center)
