"""Aid distribution and dowry aid: the only writers of ``AidDistribution``, ``AidGoodsLine``,
``ServiceCapacityUse``, ``DowryCase`` and ``DowryItem`` (issue 5, points 4 and 6; seed 002: the vice-chair
distributes the aid collected and records it).

Every writer is keyword-only and atomic, and in this order: asks the access module (404 for another center's
household, 403 for a role that may not), checks ``require_center_can_operate``, applies the row-level-security
setting, locks the household row and refuses a closed file, validates everything it can, and only then moves
money, goods or service capacity and records the distribution — all in ONE transaction, so a refusal at any
step (the second item of a goods package out of stock, a fund that does not hold the amount) leaves fund
balances, lots and capacity exactly as before.

The rules, each from its source:

- **Restricted money follows the donor's intent** (DESIGN §5): aid of purpose P is paid from the fund of P
  (cash), from goods given for P (goods) or from services given for P, or from *general* money, goods or
  services — and the general ones only with a recorded approval (the council's or the board's decision,
  ``approval_reference``). Cash goes through ``contributions.services.ledger.spend``; goods through
  ``contributions.services.stock.stock_distribute`` (first to expire, first out; expired lots never handed
  out) with ``recipient_reference="household:<pk>"``; neither is reimplemented here.
- **Donated service capacity is never overdrawn**: a service distribution draws hours or sessions from the
  confirmed service gifts of that type and measure, oldest gift first, under a row lock on each gift's
  ``ServiceDetail`` (primary-key order); the database trigger of migration ``0005_distributions_sql`` is the
  wall behind it.
- **Who distributes** (``centers.access``): ``DISTRIBUTE_AID`` — the chair, the vice-chair and the finance
  officer for any purpose, the officer of one kind of aid only for that purpose (``may_distribute_purpose``),
  supervisors over the center. Reversing a distribution is a correction of the books: ``MANAGE_FINANCE``.
- **Reversal**: cash — the ledger's ``transaction_reverse`` posts the mirror (the fund gets its money back);
  service — a negative ``ServiceCapacityUse`` per use gives the hours back; goods — refused: stock movements
  are immutable and the stock services have no return of a distributed lot (``stock_reverse_contribution``
  only takes back a whole gift never drawn on). Goods that really come back are a new in-kind gift.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beneficiaries import rls
from beneficiaries.models import (
    AidDistribution,
    AidGoodsLine,
    DowryCase,
    DowryItem,
    Household,
    Member,
    ServiceCapacityUse,
)
from centers.access import Action, Actor, may, may_distribute_purpose, require
from centers.models import Center
from centers.services.lifecycle import require_center_can_operate
from contributions.models import Contribution, Purpose, ServiceDetail, StockItem
from contributions.models.stock import format_quantity
from contributions.services.ledger import positive_amount, purpose_get, spend, transaction_reverse
from contributions.services.stock import stock_distribute
from core.digits import format_number_fa, to_persian_digits
from core.jalali import format_jalali
from reporting.rollups import mark_stale

__all__ = [
    "GoodsRequest", "DowryItemInput", "DistributionFilters", "CapacityRow",
    "distribution_record_cash", "distribution_record_goods", "distribution_record_service", "distribution_reverse",
    "dowry_case_request", "dowry_case_approve", "dowry_case_deliver", "dowry_case_cancel",
    "distributions_for_center", "distribution_totals", "service_capacity", "household_distributions",
    "acknowledgement_html", "acknowledgement_pdf", "household_reference",
]

MAX_AMOUNT = 10**13  # rials; anything above is a typing mistake
GENERAL = "general"
DOWRY = "dowry"


@dataclass(frozen=True)
class GoodsRequest:
    """One item of a goods distribution: a stock item of the center and the quantity to hand out."""

    item: StockItem
    quantity: Decimal


@dataclass(frozen=True)
class DowryItemInput:
    description: str
    estimated_value: int


def household_reference(household: Household) -> str:
    """The household's file number as printed for the family (its reference, never its national code): the
    number its file has everywhere in the portal."""
    return str(household.pk)


# ---------------------------------------------------------------------------------------------------------
# Checks shared by the writers
# ---------------------------------------------------------------------------------------------------------

def _require_purpose(actor: Actor, center_id: int, purpose: Purpose) -> None:
    if not may_distribute_purpose(actor, center_id, purpose.code):
        raise PermissionDenied(_("You may not distribute aid of this purpose."))


def _start(actor: Actor, household: Household, *, purpose: Purpose | None = None) -> Household:
    """Access first (an outsider learns nothing, not even that the center cannot operate), then the license,
    the row-level-security setting, and the household row locked and re-read: a closed file gets nothing."""
    require(actor, Action.DISTRIBUTE_AID, household)
    if purpose is not None:
        _require_purpose(actor, household.center_id, purpose)
    center = household.center
    require_center_can_operate(center)
    rls.apply_scope(fallback=[center.pk])
    locked = Household.objects.select_for_update().filter(center=center, pk=household.pk).first()
    if locked is None:
        raise ValidationError(_("This household is not registered at this center."), code="wrong_center")
    if locked.status != Household.Status.ACTIVE:
        raise ValidationError(_("The household's file is closed: no aid can be recorded for it."),
                              code="household_closed")
    return locked


def _date(occurred_on) -> datetime.date:
    today = timezone.localdate()
    if occurred_on in (None, ""):
        return today
    if not isinstance(occurred_on, datetime.date):
        raise ValidationError(_("The date is required."), code="bad_date")
    if occurred_on > today:
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    return occurred_on


def _member(household: Household, member: Member | None) -> Member | None:
    if member is None:
        return None
    if member.household_id != household.pk:
        raise ValidationError(_("Choose a member of this household."), code="bad_member")
    return member


def _source(purpose: Purpose, source_purpose, approval_reference: str) -> tuple[Purpose, str]:
    """What pays for aid of ``purpose``: its own money, goods or services, or general ones on an approval."""
    source = purpose_get(source_purpose) if source_purpose not in (None, "") else purpose
    approval_reference = (approval_reference or "").strip()[:128]
    if source.pk != purpose.pk and source.restricted:
        raise ValidationError(_("Restricted money pays only for its own purpose."), code="restricted_purpose")
    if not source.restricted and not approval_reference:
        raise ValidationError(_("Using general money, goods or services needs an approval recorded against a "
                                "board or council decision."), code="approval_required")
    return source, approval_reference


def _dowry_case(household: Household, purpose: Purpose, case: DowryCase | None) -> DowryCase | None:
    if case is None:
        return None
    if purpose.code != DOWRY:
        raise ValidationError(_("Only aid of the dowry purpose is delivered for a dowry case."),
                              code="dowry_purpose")
    locked = DowryCase.objects.select_for_update().filter(center_id=household.center_id, pk=case.pk).first()
    if locked is None or locked.household_id != household.pk:
        raise ValidationError(_("This dowry case is not this household's."), code="bad_dowry_case")
    if locked.status != DowryCase.Status.APPROVED:
        raise ValidationError(_("Aid is delivered only for an approved dowry case."), code="dowry_not_approved")
    return locked


def _prepare(*, actor, household, purpose, member, occurred_on, source_purpose, approval_reference, dowry_case):
    purpose_obj = purpose_get(purpose)
    household = _start(actor, household, purpose=purpose_obj)
    on = _date(occurred_on)
    member = _member(household, member)
    source, approval_reference = _source(purpose_obj, source_purpose, approval_reference)
    case = _dowry_case(household, purpose_obj, dowry_case)
    if case is not None and member is None:
        member = case.member
    return household, purpose_obj, on, member, source, approval_reference, case


def _create(*, actor, household, kind, purpose, source, approval_reference, value, on, member, note, case,
            **extra) -> AidDistribution:
    mark_stale(household.center_id, on)
    return AidDistribution.objects.create(
        center_id=household.center_id, household=household, member=member, kind=kind, purpose=purpose,
        source_purpose=source, approval_reference=approval_reference, value=value, occurred_on=on,
        note=(note or "").strip()[:255], dowry_case=case, recorded_by=actor.user, **extra)


# ---------------------------------------------------------------------------------------------------------
# Recording a distribution
# ---------------------------------------------------------------------------------------------------------

@transaction.atomic
def distribution_record_cash(*, actor: Actor, household: Household, purpose: Purpose | str, amount: int,
                             source_purpose: Purpose | str | None = None, approval_reference: str = "",
                             occurred_on: datetime.date | None = None, member: Member | None = None,
                             note: str = "", dowry_case: DowryCase | None = None) -> AidDistribution:
    """Pays ``amount`` rials of aid of ``purpose`` to ``household`` from the fund of ``source_purpose`` (the
    aid purpose itself by default; general money needs ``approval_reference``), through the ledger's
    ``spend``: the fund debited, the aid account credited, in this transaction. A fund that does not hold the
    amount is refused and nothing is recorded."""
    household, purpose_obj, on, member, source, approval_reference, case = _prepare(
        actor=actor, household=household, purpose=purpose, member=member, occurred_on=occurred_on,
        source_purpose=source_purpose, approval_reference=approval_reference, dowry_case=dowry_case)
    amount = positive_amount(amount)
    if amount > MAX_AMOUNT:
        raise ValidationError(_("The amount is too large."), code="bad_amount")
    tx = spend(center=household.center, purpose=source, amount=amount, aid_purpose=purpose_obj, occurred_on=on,
               approval_reference=approval_reference, user=actor.user)
    return _create(actor=actor, household=household, kind=AidDistribution.Kind.CASH, purpose=purpose_obj,
                   source=source, approval_reference=approval_reference, value=amount, on=on, member=member,
                   note=note, case=case, ledger_transaction=tx)


@transaction.atomic
def distribution_record_goods(*, actor: Actor, household: Household, purpose: Purpose | str,
                              goods: list[GoodsRequest], source_purpose: Purpose | str | None = None,
                              approval_reference: str = "", occurred_on: datetime.date | None = None,
                              member: Member | None = None, note: str = "",
                              dowry_case: DowryCase | None = None) -> AidDistribution:
    """Hands goods of the center's stock to ``household`` as aid of ``purpose``: each item through
    ``stock_distribute`` (first to expire, first out, expired lots never; only lots given for
    ``source_purpose``, the aid purpose by default, general goods on an approval), all in this transaction:
    when one item cannot be handed out in full, nothing is."""
    household, purpose_obj, on, member, source, approval_reference, case = _prepare(
        actor=actor, household=household, purpose=purpose, member=member, occurred_on=occurred_on,
        source_purpose=source_purpose, approval_reference=approval_reference, dowry_case=dowry_case)
    goods = list(goods or ())
    if not goods:
        raise ValidationError(_("Choose at least one item to hand out."), code="no_goods")
    if len({g.item.pk for g in goods}) != len(goods):
        raise ValidationError(_("Each item may appear only once; add the quantities together."),
                              code="repeated_item")
    for request in goods:
        if request.item.center_id != household.center_id:
            raise ValidationError(_("This item is not in the center's stock."), code="wrong_center")
    distribution = _create(actor=actor, household=household, kind=AidDistribution.Kind.GOODS, purpose=purpose_obj,
                           source=source, approval_reference=approval_reference, value=0, on=on, member=member,
                           note=note, case=case)
    total = 0
    for request in goods:
        moved = stock_distribute(center=household.center, item=request.item, quantity=request.quantity,
                                 purpose=source, recipient_reference=f"household:{household.pk}",
                                 note=_("Aid distribution %(number)s") % {"number": distribution.pk},
                                 occurred_on=on, user=actor.user)
        AidGoodsLine.objects.create(center_id=household.center_id, distribution=distribution, item=request.item,
                                    quantity=moved.quantity, value=moved.value, stock_batch=moved.batch,
                                    ledger_transaction=moved.ledger_transaction)
        total += moved.value
    distribution.value = total
    distribution.save(update_fields=["value"])
    return distribution


def _service_quantity(value) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("The number of hours or sessions must be positive."), code="bad_quantity") from None
    if not quantity.is_finite() or quantity <= 0 or quantity != quantity.quantize(Decimal("0.1")) \
            or quantity >= Decimal("10000000"):
        raise ValidationError(_("The number of hours or sessions must be positive, with at most one decimal."),
                              code="bad_quantity")
    return quantity


def _draws_used(detail_ids) -> dict[int, Decimal]:
    return dict(ServiceCapacityUse.objects.filter(service_id__in=detail_ids).values("service_id")
                .annotate(total=Sum("quantity")).values_list("service_id", "total"))


@transaction.atomic
def distribution_record_service(*, actor: Actor, household: Household, purpose: Purpose | str, service_type: str,
                                measure: str, quantity, source_purpose: Purpose | str | None = None,
                                approval_reference: str = "", occurred_on: datetime.date | None = None,
                                member: Member | None = None, note: str = "",
                                dowry_case: DowryCase | None = None) -> AidDistribution:
    """Gives ``household`` ``quantity`` hours or sessions of a donated service (medical visits, legal advice,
    lessons...) out of the confirmed service gifts of that type and measure at the center that were given
    for ``source_purpose`` (the aid purpose by default; general ones on an approval), oldest gift first.
    Never more than was donated: each gift's ``ServiceDetail`` row is locked before its uses are summed."""
    household, purpose_obj, on, member, source, approval_reference, case = _prepare(
        actor=actor, household=household, purpose=purpose, member=member, occurred_on=occurred_on,
        source_purpose=source_purpose, approval_reference=approval_reference, dowry_case=dowry_case)
    if service_type not in ServiceDetail.ServiceType.values:
        raise ValidationError(_("Unknown service type."), code="bad_service_type")
    if measure not in ServiceDetail.Measure.values:
        raise ValidationError(_("A service is measured in hours or sessions."), code="bad_measure")
    quantity = _service_quantity(quantity)
    details = list(ServiceDetail.objects.select_for_update(of=("self",)).select_related("contribution")
                   .filter(center_id=household.center_id, service_type=service_type, measure=measure,
                           contribution__status=Contribution.Status.CONFIRMED, contribution__purpose=source)
                   .order_by("pk"))
    used = _draws_used([d.pk for d in details])
    details.sort(key=lambda d: (d.contribution.received_on, d.pk))
    available = sum((d.quantity - used.get(d.pk, Decimal(0)) for d in details), Decimal(0))
    if available < quantity:
        raise ValidationError(
            _("Not enough donated service: %(available)s %(measure)s of %(type)s given for %(purpose)s remain.") % {
                "available": to_persian_digits(format_quantity(available)),
                "measure": ServiceDetail.Measure(measure).label, "type": ServiceDetail.ServiceType(service_type).label,
                "purpose": source.name}, code="insufficient_service")
    draws: list[tuple[ServiceDetail, Decimal, int]] = []
    left = quantity
    for detail in details:
        if left <= 0:
            break
        free = detail.quantity - used.get(detail.pk, Decimal(0))
        if free <= 0:
            continue
        take = min(left, free)
        value = int((Decimal(detail.contribution.amount) * take / detail.quantity)
                    .quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        draws.append((detail, take, value))
        left -= take
    distribution = _create(actor=actor, household=household, kind=AidDistribution.Kind.SERVICE, purpose=purpose_obj,
                           source=source, approval_reference=approval_reference,
                           value=sum(v for _d, _q, v in draws), on=on, member=member, note=note, case=case,
                           service_type=service_type, service_measure=measure, service_quantity=quantity)
    for detail, take, value in draws:
        ServiceCapacityUse.objects.create(center_id=household.center_id, service=detail, distribution=distribution,
                                          quantity=take, value=value)
    return distribution


@transaction.atomic
def distribution_reverse(*, actor: Actor, distribution: AidDistribution, reason: str) -> AidDistribution:
    """Reverses a wrongly recorded distribution (``MANAGE_FINANCE``): cash through the ledger's
    ``transaction_reverse`` (the fund gets its money back; refused by the ledger if that would break a rule),
    a service by giving the hours or sessions back to their gifts. Goods cannot be reversed: the stock
    services have no way to return distributed goods to their lots (movements are immutable); goods that come
    back are recorded as a new in-kind gift. The distribution stays on record, marked reversed."""
    require(actor, Action.MANAGE_FINANCE, distribution)
    require_center_can_operate(distribution.household.center)
    rls.apply_scope(fallback=[distribution.center_id])
    locked = AidDistribution.objects.select_for_update().filter(center_id=distribution.center_id,
                                                                pk=distribution.pk).first()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the distribution is reversed."), code="reason_required")
    if locked.status == AidDistribution.Status.REVERSED:
        raise ValidationError(_("This distribution is already reversed."), code="already_reversed")
    if locked.kind == AidDistribution.Kind.GOODS:
        raise ValidationError(_("Goods handed out cannot be taken back into the stock. If the goods came back, "
                                "record them as a new in-kind gift."), code="goods_not_reversible")
    if locked.kind == AidDistribution.Kind.CASH:
        locked.reversal_transaction = transaction_reverse(
            transaction=locked.ledger_transaction, user=actor.user,
            memo=_("Reversal of aid distribution %(number)s") % {"number": locked.pk})
    else:
        uses = list(ServiceCapacityUse.objects.filter(distribution=locked, reverses__isnull=True).order_by("pk"))
        list(ServiceDetail.objects.select_for_update(of=("self",)).filter(pk__in=[u.service_id for u in uses])
             .order_by("pk"))
        for use in uses:
            ServiceCapacityUse.objects.create(center_id=locked.center_id, service_id=use.service_id,
                                              distribution=locked, quantity=-use.quantity, value=-use.value,
                                              reverses=use)
    locked.status = AidDistribution.Status.REVERSED
    locked.reversed_at = timezone.now()
    locked.reversed_by = actor.user
    locked.reversal_reason = reason[:255]
    locked.save(update_fields=["status", "reversed_at", "reversed_by", "reversal_reason", "reversal_transaction"])
    mark_stale(locked.center_id, locked.occurred_on)
    return locked


# ---------------------------------------------------------------------------------------------------------
# Dowry aid (جهیزیه)
# ---------------------------------------------------------------------------------------------------------

def _may_handle_dowry(actor: Actor, household: Household) -> bool:
    return may(actor, Action.MANAGE_BENEFICIARIES, household) or (
        may(actor, Action.DISTRIBUTE_AID, household) and may_distribute_purpose(actor, household.center_id, DOWRY))


@transaction.atomic
def dowry_case_request(*, actor: Actor, household: Household, member: Member, wedding_on: datetime.date,
                       items: list[DowryItemInput], spouse_name: str = "", note: str = "") -> DowryCase:
    """Opens a dowry case for ``member`` about to marry, with the goods needed and their estimated values.
    Opened by whoever registers households or distributes dowry aid; approved by the finance side."""
    require(actor, Action.VIEW_BENEFICIARIES, household)
    if not _may_handle_dowry(actor, household):
        raise PermissionDenied
    require_center_can_operate(household.center)
    rls.apply_scope(fallback=[household.center_id])
    locked = Household.objects.select_for_update().filter(center_id=household.center_id, pk=household.pk).first()
    if locked.status != Household.Status.ACTIVE:
        raise ValidationError(_("The household's file is closed."), code="household_closed")
    if member is None or member.household_id != household.pk:
        raise ValidationError(_("Choose a member of this household."), code="bad_member")
    today = timezone.localdate()
    if not isinstance(wedding_on, datetime.date) or not (today - datetime.timedelta(days=365) <= wedding_on
                                                         <= today + datetime.timedelta(days=2 * 365)):
        raise ValidationError(_("The wedding date must be within a year before and two years after today."),
                              code="bad_wedding_date")
    items = [i for i in (items or ()) if (i.description or "").strip()]
    if not items:
        raise ValidationError(_("List at least one item the dowry needs."), code="no_items")
    for item in items:
        value = item.estimated_value
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_AMOUNT:
            raise ValidationError(_("Every item needs an estimated value in rials, more than zero."),
                                  code="bad_value")
    if DowryCase.objects.filter(center_id=household.center_id, member=member,
                                status__in=[DowryCase.Status.REQUESTED, DowryCase.Status.APPROVED]).exists():
        raise ValidationError(_("This person already has an open dowry case."), code="case_open")
    case = DowryCase.objects.create(center_id=household.center_id, household=household, member=member,
                                    wedding_on=wedding_on, spouse_name=(spouse_name or "").strip()[:128],
                                    note=(note or "").strip(), requested_by=actor.user)
    DowryItem.objects.bulk_create([DowryItem(center_id=household.center_id, case=case,
                                             description=i.description.strip()[:160],
                                             estimated_value=i.estimated_value) for i in items])
    return case


def _locked_case(case: DowryCase) -> DowryCase:
    rls.apply_scope(fallback=[case.center_id])
    return DowryCase.objects.select_for_update().get(center_id=case.center_id, pk=case.pk)


@transaction.atomic
def dowry_case_approve(*, actor: Actor, case: DowryCase, approval_reference: str = "") -> DowryCase:
    """Approves a requested dowry case: the finance side (``MANAGE_FINANCE``: the chair, the finance officer,
    supervisors) decides, optionally citing the board's decision."""
    require(actor, Action.MANAGE_FINANCE, case)
    require_center_can_operate(case.household.center)
    case = _locked_case(case)
    if case.status != DowryCase.Status.REQUESTED:
        raise ValidationError(_("Only a requested dowry case can be approved."), code="bad_status")
    case.status = DowryCase.Status.APPROVED
    case.approved_by = actor.user
    case.approved_at = timezone.now()
    case.approval_reference = (approval_reference or "").strip()[:128]
    case.save(update_fields=["status", "approved_by", "approved_at", "approval_reference"])
    return case


@transaction.atomic
def dowry_case_deliver(*, actor: Actor, case: DowryCase) -> DowryCase:
    """Marks an approved case delivered, once at least one distribution (cash or goods) was made for it."""
    require(actor, Action.DISTRIBUTE_AID, case)
    if not may_distribute_purpose(actor, case.center_id, DOWRY):
        raise PermissionDenied
    require_center_can_operate(case.household.center)
    case = _locked_case(case)
    if case.status != DowryCase.Status.APPROVED:
        raise ValidationError(_("Only an approved dowry case can be marked delivered."), code="bad_status")
    if not case.distributions.filter(status=AidDistribution.Status.RECORDED).exists():
        raise ValidationError(_("Record the dowry's delivery (cash or goods) before marking the case delivered."),
                              code="nothing_delivered")
    case.status = DowryCase.Status.DELIVERED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])
    return case


@transaction.atomic
def dowry_case_cancel(*, actor: Actor, case: DowryCase, reason: str) -> DowryCase:
    """Cancels a case not delivered (the wedding called off, help found elsewhere), with the reason. Refused
    while a distribution for it stands (reverse it first)."""
    require(actor, Action.VIEW_BENEFICIARIES, case)
    if not (may(actor, Action.MANAGE_FINANCE, case) or _may_handle_dowry(actor, case.household)):
        raise PermissionDenied
    case = _locked_case(case)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the case is cancelled."), code="reason_required")
    if case.status not in (DowryCase.Status.REQUESTED, DowryCase.Status.APPROVED):
        raise ValidationError(_("This dowry case is already closed."), code="bad_status")
    if case.distributions.filter(status=AidDistribution.Status.RECORDED).exists():
        raise ValidationError(_("Aid was already delivered for this case; reverse it before cancelling."),
                              code="already_delivered")
    case.status = DowryCase.Status.CANCELLED
    case.closed_at = timezone.now()
    case.closed_reason = reason
    case.save(update_fields=["status", "closed_at", "closed_reason"])
    return case


# ---------------------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DistributionFilters:
    kind: str = ""
    purpose: Purpose | None = None
    status: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    household: int | None = None


def distributions_for_center(*, actor: Actor, center: Center,
                             filters: DistributionFilters = DistributionFilters()) -> QuerySet[AidDistribution]:
    """The center's distributions, newest first, with household head, purpose and recorder (one query a
    page). Needs ``VIEW_BENEFICIARIES``: who received aid is beneficiary data."""
    require(actor, Action.VIEW_BENEFICIARIES, center)
    rls.apply_scope(fallback=[center.pk])
    queryset = AidDistribution.objects.filter(center=center)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.purpose is not None:
        queryset = queryset.filter(purpose=filters.purpose)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.start:
        queryset = queryset.filter(occurred_on__gte=filters.start)
    if filters.end:
        queryset = queryset.filter(occurred_on__lte=filters.end)
    if filters.household:
        queryset = queryset.filter(household_id=filters.household)
    return (queryset.select_related("household__head", "purpose", "source_purpose", "recorded_by", "member")
            .order_by("-occurred_on", "-pk"))


@dataclass(frozen=True)
class Totals:
    count: int
    value: int
    by_kind: list[tuple[str, int, int]]  # (label, count, value)
    by_purpose: list[tuple[str, int, int]]


def distribution_totals(queryset: QuerySet[AidDistribution]) -> Totals:
    """Count and value of the distributions in ``queryset`` that stand (reversed ones are not aid given), by
    kind and by purpose: two grouped queries."""
    standing = queryset.filter(status=AidDistribution.Status.RECORDED).order_by()
    kinds = dict(AidDistribution.Kind.choices)
    by_kind = [(kinds.get(k, k), n, int(v or 0)) for k, n, v in standing.values_list("kind").annotate(
        n=Count("pk"), v=Sum("value")).order_by("kind")]
    by_purpose = [(name, n, int(v or 0)) for name, n, v in standing.values_list("purpose__name").annotate(
        n=Count("pk"), v=Sum("value")).order_by("-v")]
    return Totals(count=sum(n for _k, n, _v in by_kind), value=sum(v for _k, _n, v in by_kind),
                  by_kind=by_kind, by_purpose=by_purpose)


def household_distributions(*, household: Household) -> QuerySet[AidDistribution]:
    return (AidDistribution.objects.filter(center_id=household.center_id, household=household)
            .select_related("purpose").order_by("-occurred_on", "-pk"))


@dataclass(frozen=True)
class CapacityRow:
    service_type: str
    measure: str
    purpose: Purpose
    donated: Decimal
    used: Decimal

    @property
    def available(self) -> Decimal:
        return self.donated - self.used

    @property
    def label(self) -> str:
        return f"{ServiceDetail.ServiceType(self.service_type).label} ({ServiceDetail.Measure(self.measure).label})"


def service_capacity(*, center: Center) -> list[CapacityRow]:
    """Donated service capacity at the center per (type, measure, purpose of the gift): confirmed service
    gifts' hours or sessions, and how many were handed out. Two grouped queries."""
    rls.apply_scope(fallback=[center.pk])
    confirmed = Q(contribution__status=Contribution.Status.CONFIRMED)
    donated = (ServiceDetail.objects.filter(confirmed, center=center)
               .values_list("service_type", "measure", "contribution__purpose").annotate(total=Sum("quantity")))
    used = (ServiceCapacityUse.objects.filter(center=center,
                                              service__contribution__status=Contribution.Status.CONFIRMED)
            .values_list("service__service_type", "service__measure", "service__contribution__purpose")
            .annotate(total=Sum("quantity")))
    used_by = {(t, m, p): total for t, m, p, total in used}
    purposes = {p.pk: p for p in Purpose.objects.all()}
    rows = [CapacityRow(service_type=t, measure=m, purpose=purposes[p], donated=total,
                        used=used_by.get((t, m, p), Decimal(0))) for t, m, p, total in donated]
    return sorted(rows, key=lambda r: (r.service_type, r.measure, r.purpose.code))


# ---------------------------------------------------------------------------------------------------------
# The acknowledgement (رسید دریافت کمک), handed to the family
# ---------------------------------------------------------------------------------------------------------

def _fonts() -> dict[str, str]:
    fonts = Path(settings.BASE_DIR) / "static" / "fonts" / "vazirmatn"
    return {"font_regular": (fonts / "Vazirmatn-Regular.ttf").as_uri(),
            "font_bold": (fonts / "Vazirmatn-Bold.ttf").as_uri()}


def acknowledgement_html(distribution: AidDistribution) -> str:
    """The acknowledgement's HTML (the PDF is made from exactly this): the center, the household's file
    number and the head's name (it is handed to the family itself), what was given, the Jalali date, and a
    line for the recipient's signature. Never a national code, a mobile or an address."""
    from contributions.services.receipts import amount_in_words

    household = distribution.household
    with translation.override("fa"):
        goods = [{"description": line.item.description, "quantity": to_persian_digits(line.quantity_display),
                  "unit": line.item.get_unit_display()}
                 for line in distribution.goods.select_related("item").order_by("pk")]
        context = {
            "distribution": distribution, "center": household.center,
            "organization": household.center.organization,
            "number": to_persian_digits(distribution.pk),
            "household_reference": to_persian_digits(household_reference(household)),
            "head_name": household.head.full_name if household.head_id else "",
            "member_name": distribution.member.full_name if distribution.member_id else "",
            "date": format_jalali(distribution.occurred_on, persian_digits=True),
            "printed_on": format_jalali(timezone.localdate(), persian_digits=True),
            "kind": distribution.get_kind_display(), "purpose": distribution.purpose.name,
            "amount": format_number_fa(distribution.value),
            "amount_words": amount_in_words(distribution.value) if distribution.kind == "cash" else "",
            "goods": goods,
            "service": (f"{ServiceDetail.ServiceType(distribution.service_type).label}: "
                        f"{to_persian_digits(distribution.service_quantity_display)} "
                        f"{ServiceDetail.Measure(distribution.service_measure).label}"
                        if distribution.kind == "service" else ""),
            "dowry_case": to_persian_digits(distribution.dowry_case_id) if distribution.dowry_case_id else "",
            "reversed": distribution.is_reversed,
            **_fonts(),
        }
        return render_to_string("beneficiaries/distributions/acknowledgement.html", context)


def acknowledgement_pdf(distribution: AidDistribution) -> tuple[str, str, bytes]:
    """The acknowledgement as a Persian, right-to-left A5 PDF: ``(filename, content_type, bytes)``."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = acknowledgement_html(distribution)
    with translation.override("fa"):
        css = render_to_string("beneficiaries/distributions/acknowledgement.css", _fonts())
    font_config = FontConfiguration()  # @font-face rules apply only through a configuration shared by both
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=css, font_config=font_config)], font_config=font_config)
    return f"aid-acknowledgement-{distribution.pk}.pdf", "application/pdf", pdf
