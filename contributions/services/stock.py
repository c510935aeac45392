"""In-kind stock: the only writers of ``StockItem``, ``StockLot`` and ``StockMovement`` (DESIGN §5, seed 001).

Goods are held in the ledger **at value**, in accounts of their own, so goods value can never be spent as
cash (``spend`` pays only from money funds):

- confirming an in-kind gift of purpose P posts ``[(stock, −value), (in-kind fund of P, +value)]`` and opens
  one lot per goods line (``stock_receive_contribution``, called by ``contribution_confirm``);
- a distribution or a write-off posts the mirror for the value taken out:
  ``[(stock, +value), (in-kind fund of P, −value)]``, one line per purpose drawn on;
- reversing a confirmed in-kind gift is refused once any of its lots was drawn on; otherwise the receipt is
  reversed in the ledger and every lot is emptied by a reversal movement (``stock_reverse_contribution``).

Rules:

- **First to expire, first out**: a distribution draws on the lots of the item in the order expiry date
  (lots without one last), date received, then lot number. Expired lots are never handed out: they wait to
  be written off.
- **Restricted goods follow the donor's intent**: goods given for purpose P are distributed only as aid of
  purpose P. Every distribution movement records its lot's purpose; a distribution asked for purpose P
  draws only on lots given for P.
- **No overselling**: the lots drawn on are locked (``select_for_update``, in primary-key order, so two
  distributions or a distribution and a reversal never deadlock) before their remaining quantity is read;
  the database refuses a negative remainder anyway (CHECK constraints) and an in-kind fund below zero
  (the fund trigger, migrations ``0005_stock_sql`` and ``0006_ledger_sql``).
- A partial draw takes ``quantity × unit value`` (rounded half up, never more than the lot's remaining
  value); the draw that empties a lot takes all its remaining value, so a lot's value is used up exactly.

Every writer is keyword-only, atomic and first asks ``require_center_can_operate``. Reads (levels, lots near
expiry) work for any center: its stock must stay visible.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import BoardRole, Center, TrusteeAppointment
from centers.services.lifecycle import require_center_can_operate
from contributions.models import (
    Account,
    Contribution,
    LedgerTransaction,
    Posting,
    Purpose,
    StockItem,
    StockLot,
    StockMovement,
)
from contributions.models.stock import format_quantity
from core.templatetags.fa import localize_digits

from .ledger import account_for, purpose_get, transaction_post, transaction_reverse

THOUSANDTH = Decimal("0.001")
FEFO = (F("expires_on").asc(nulls_last=True), "received_on", "pk")


def near_expiry_days() -> int:
    """How many days ahead a perishable counts as near expiry (setting ``STOCK_NEAR_EXPIRY_DAYS``, 7)."""
    return int(getattr(settings, "STOCK_NEAR_EXPIRY_DAYS", 7))


def item_key(description: str) -> str:
    """The normalised description items are matched on: Arabic yeh and kaf made Persian, no zero-width
    joiners around spaces, spaces collapsed."""
    text = (description or "").replace("ي", "ی").replace("ى", "ی").replace("ك", "ک")
    return re.sub(r"\s+", " ", text.replace("\u200c ", " ").replace(" \u200c", " ")).strip()[:160]


def _quantity(value) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("The quantity must be a positive number."), code="bad_quantity") from None
    if not quantity.is_finite() or quantity <= 0 or quantity != quantity.quantize(THOUSANDTH):
        raise ValidationError(_("The quantity must be a positive number with at most three decimals."),
                              code="bad_quantity")
    if quantity >= Decimal("1000000000"):
        raise ValidationError(_("The quantity is too large."), code="bad_quantity")
    return quantity


def _value_of(quantity: Decimal, unit_value: int) -> int:
    return int((quantity * unit_value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _draw_value(lot: StockLot, quantity: Decimal) -> int:
    """The value a draw of ``quantity`` takes from ``lot``: all that remains when it empties the lot."""
    if quantity >= lot.quantity_remaining:
        return lot.value_remaining
    return min(_value_of(quantity, lot.unit_value), lot.value_remaining)


def _lock_and_check_goods(center: Center, deltas: dict[int, int]) -> None:
    """Locks the in-kind fund accounts about to be debited (primary-key order) and refuses a draw that would
    take one below zero. With the lots locked first this cannot happen; it is the service's own check
    before the database's trigger."""
    debited = {pk: delta for pk, delta in deltas.items() if delta < 0}
    if not debited:
        return
    list(Account.objects.select_for_update().filter(pk__in=debited).order_by("pk").values_list("pk", flat=True))
    balances = dict(Posting.objects.filter(center=center, account_id__in=debited).values("account_id")
                    .annotate(total=Sum("amount")).values_list("account_id", "total"))
    for pk, delta in debited.items():
        if balances.get(pk, 0) + delta < 0:
            raise ValidationError(_("The in-kind fund does not hold the value of these goods."),
                                  code="insufficient_goods_fund")


def _post_out(*, center: Center, values: dict[Purpose, int], occurred_on: datetime.date, memo: str,
              user) -> LedgerTransaction | None:
    """Posts goods value leaving the stock: stock credited, each purpose's in-kind fund debited."""
    values = {purpose: value for purpose, value in values.items() if value > 0}
    if not values:
        return None  # goods of no value in rials (a thousandth of a unit worth less than one rial)
    lines = [(account_for(center, Account.Kind.GOODS, purpose), -value) for purpose, value in values.items()]
    _lock_and_check_goods(center, {account.pk: amount for account, amount in lines})
    lines.insert(0, (account_for(center, Account.Kind.STOCK), sum(values.values())))
    return transaction_post(center=center, lines=lines, occurred_on=occurred_on, memo=memo[:255], user=user)


# ---------------------------------------------------------------------------------------------------------
# Receiving and reversing gifts (called by contribution_confirm / contribution_reverse)
# ---------------------------------------------------------------------------------------------------------

def _item_for(center: Center, line) -> StockItem:
    key = item_key(line.description)
    item, _created = StockItem.objects.get_or_create(
        center=center, category=line.category, key=key, unit=line.unit,
        defaults={"description": key or line.description[:160]})
    return item


@transaction.atomic
def stock_receive_contribution(*, contribution: Contribution, user=None) -> LedgerTransaction:
    """Brings a confirmed in-kind gift into the stock: one lot (and a receipt movement) per goods line, and
    the ledger posting ``[(stock, −value), (in-kind fund of the gift's purpose, +value)]`` with the gift's
    unique ledger reference, so it posts exactly once. Returns the posted transaction."""
    center = contribution.center
    require_center_can_operate(center)
    if contribution.kind != Contribution.Kind.IN_KIND:
        raise ValidationError(_("Only an in-kind contribution brings goods into the stock."), code="not_in_kind")
    if StockLot.objects.filter(contribution=contribution).exists():
        raise ValidationError(_("These goods are already in the stock."), code="already_received")
    lines = list(contribution.lines.all())
    if not lines:
        raise ValidationError(_("An in-kind contribution needs at least one line of goods."), code="no_goods")
    value = sum(line.value for line in lines)
    purpose = contribution.purpose
    tx = transaction_post(
        center=center, occurred_on=contribution.received_on, reference=contribution.ledger_reference,
        lines=[(account_for(center, Account.Kind.STOCK), -value),
               (account_for(center, Account.Kind.GOODS, purpose), value)],
        memo=_("Goods received: contribution #%(pk)s for %(purpose)s") % {"pk": contribution.pk,
                                                                            "purpose": purpose.name},
        user=user)
    batch = uuid.uuid4()
    for line in lines:
        item = _item_for(center, line)
        lot = StockLot.objects.create(
            center=center, item=item, line=line, contribution=contribution, purpose=purpose,
            received_on=contribution.received_on, quantity_received=line.quantity,
            quantity_remaining=line.quantity, unit_value=line.unit_value, value_received=line.value,
            value_remaining=line.value, perishable=line.perishable, expires_on=line.expires_on)
        StockMovement.objects.create(
            center=center, item=item, lot=lot, batch=batch, kind=StockMovement.Kind.RECEIPT,
            quantity=line.quantity, value=line.value, purpose=purpose, occurred_on=contribution.received_on,
            ledger_transaction=tx, created_by=user)
    return tx


@transaction.atomic
def stock_reverse_contribution(*, contribution: Contribution, user=None) -> LedgerTransaction | None:
    """Takes a confirmed in-kind gift back out of the stock: refused (and nothing changed) when any of its
    lots was already drawn on (distributed or written off: the goods are gone); otherwise every lot is
    emptied by a reversal movement and the receipt's posting is reversed in the ledger."""
    center = contribution.center
    require_center_can_operate(center)
    lots = list(StockLot.objects.select_for_update().filter(contribution=contribution).order_by("pk"))
    drawn = StockMovement.objects.filter(lot__in=lots).exclude(kind=StockMovement.Kind.RECEIPT).exists()
    if drawn or any(lot.quantity_remaining != lot.quantity_received for lot in lots):
        raise ValidationError(_("Some of these goods were already distributed or written off; the gift can no "
                                "longer be reversed."), code="stock_already_drawn")
    reversal = None
    if contribution.ledger_transaction_id is not None:
        _lock_and_check_goods(center, {p.account_id: -p.amount for p in contribution.ledger_transaction.postings
                                       .filter(account__kind=Account.Kind.GOODS)})
        reversal = transaction_reverse(transaction=contribution.ledger_transaction, user=user,
                                       memo=_("Reversal of contribution #%(pk)s") % {"pk": contribution.pk})
    batch, today = uuid.uuid4(), timezone.localdate()
    for lot in lots:
        StockMovement.objects.create(
            center=center, item_id=lot.item_id, lot=lot, batch=batch, kind=StockMovement.Kind.REVERSAL,
            quantity=lot.quantity_received, value=lot.value_received, purpose_id=lot.purpose_id,
            occurred_on=today, ledger_transaction=reversal, created_by=user)
        lot.quantity_remaining, lot.value_remaining = Decimal(0), 0
        lot.save(update_fields=["quantity_remaining", "value_remaining"])
    return reversal


# ---------------------------------------------------------------------------------------------------------
# Distributing and writing off
# ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Distribution:
    """What one distribution did: the movements (one per lot drawn on) and the ledger transaction."""

    batch: uuid.UUID
    movements: list[StockMovement]
    ledger_transaction: LedgerTransaction | None

    @property
    def quantity(self) -> Decimal:
        return sum((m.quantity for m in self.movements), Decimal(0))

    @property
    def value(self) -> int:
        return sum(m.value for m in self.movements)


def _check_date(occurred_on: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    if occurred_on is None:
        return today
    if not isinstance(occurred_on, datetime.date):
        raise ValidationError(_("The date is required."), code="bad_date")
    if occurred_on > today:
        raise ValidationError(_("The date cannot be in the future."), code="future_date")
    return occurred_on


@transaction.atomic
def stock_distribute(*, center: Center, item: StockItem, quantity, purpose: Purpose | str | None = None,
                     recipient_reference: str = "", note: str = "", occurred_on: datetime.date | None = None,
                     user=None) -> Distribution:
    """Hands ``quantity`` of ``item`` out as aid, first to expire, first out, across the item's lots.

    With ``purpose`` only lots given for that purpose are drawn on; without it any lot is, and each movement
    records its own lot's purpose (goods given for P are aid of P). Refuses (``insufficient_stock``) when the
    lots that may be drawn on do not hold enough; expired lots are never handed out."""
    require_center_can_operate(center)
    if item.center_id != center.pk:
        raise ValidationError(_("This item is not in the center's stock."), code="wrong_center")
    quantity = _quantity(quantity)
    on = _check_date(occurred_on)
    purpose_obj = purpose_get(purpose) if purpose not in (None, "") else None
    recipient_reference = (recipient_reference or "").strip()[:120]
    today = timezone.localdate()

    # Lock every lot that may be drawn on, in primary-key order (the order every writer locks lots in), and
    # only then read what they hold: a concurrent distribution waits here and then sees our draw.
    candidates = StockLot.objects.select_for_update().filter(center=center, item=item, quantity_remaining__gt=0)
    if purpose_obj is not None:
        candidates = candidates.filter(purpose=purpose_obj)
    lots = list(candidates.order_by("pk"))
    lots = [lot for lot in lots if not lot.is_expired(today)]
    lots.sort(key=lambda lot: (lot.expires_on is None, lot.expires_on or today, lot.received_on, lot.pk))
    available = sum((lot.quantity_remaining for lot in lots), Decimal(0))
    if available < quantity:
        params = {"available": localize_digits(format_quantity(available)), "unit": item.get_unit_display(),
                  "item": item.description, "purpose": purpose_obj.name if purpose_obj else ""}
        if purpose_obj is None:
            message = _("Not enough in stock: %(available)s %(unit)s of “%(item)s” can be distributed.")
        else:
            message = _("Not enough in stock: %(available)s %(unit)s of “%(item)s” given for %(purpose)s can be "
                        "distributed.")
        raise ValidationError(message % params, code="insufficient_stock")

    draws: list[tuple[StockLot, Decimal, int]] = []
    left = quantity
    for lot in lots:
        if left <= 0:
            break
        take = min(left, lot.quantity_remaining)
        draws.append((lot, take, _draw_value(lot, take)))
        left -= take
    values: dict[Purpose, int] = {}
    purposes = {p.pk: p for p in Purpose.objects.filter(pk__in={lot.purpose_id for lot, _q, _v in draws})}
    for lot, _take, value in draws:
        values[purposes[lot.purpose_id]] = values.get(purposes[lot.purpose_id], 0) + value
    memo = _("Goods distributed: %(quantity)s %(unit)s of %(item)s") % {
        "quantity": format_quantity(quantity), "unit": item.get_unit_display(), "item": item.description}
    tx = _post_out(center=center, values=values, occurred_on=on, memo=memo, user=user)
    batch = uuid.uuid4()
    movements = []
    for lot, take, value in draws:
        lot.quantity_remaining -= take
        lot.value_remaining -= value
        lot.save(update_fields=["quantity_remaining", "value_remaining"])
        movements.append(StockMovement.objects.create(
            center=center, item=item, lot=lot, batch=batch, kind=StockMovement.Kind.DISTRIBUTION, quantity=take,
            value=value, purpose_id=lot.purpose_id, occurred_on=on, recipient_reference=recipient_reference,
            reason=(note or "").strip()[:255], ledger_transaction=tx, created_by=user))
    return Distribution(batch=batch, movements=movements, ledger_transaction=tx)


@transaction.atomic
def stock_write_off(*, lot: StockLot, cause: str, reason: str, quantity=None,
                    occurred_on: datetime.date | None = None, user=None) -> StockMovement:
    """Writes goods off a lot (spoiled, expired, damaged or lost): all that remains, or ``quantity`` of it.
    A reason is required; the value leaves the stock and the in-kind fund of the lot's purpose."""
    center = lot.center
    require_center_can_operate(center)
    if cause not in StockMovement.Cause.values:
        raise ValidationError(_("Say why the goods are written off: spoiled, expired, or damaged or lost."),
                              code="bad_cause")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A write-off needs a reason."), code="reason_required")
    on = _check_date(occurred_on)
    lot = StockLot.objects.select_for_update().select_related("item", "purpose").get(pk=lot.pk, center=center)
    if lot.quantity_remaining <= 0:
        raise ValidationError(_("Nothing remains of this lot."), code="lot_empty")
    quantity = lot.quantity_remaining if quantity in (None, "") else _quantity(quantity)
    if quantity > lot.quantity_remaining:
        raise ValidationError(_("Only %(available)s remains of this lot.") % {
            "available": localize_digits(format_quantity(lot.quantity_remaining))}, code="insufficient_stock")
    value = _draw_value(lot, quantity)
    memo = _("Goods written off (%(cause)s): %(quantity)s %(unit)s of %(item)s") % {
        "cause": StockMovement.Cause(cause).label, "quantity": format_quantity(quantity),
        "unit": lot.item.get_unit_display(), "item": lot.item.description}
    tx = _post_out(center=center, values={lot.purpose: value}, occurred_on=on, memo=memo, user=user)
    lot.quantity_remaining -= quantity
    lot.value_remaining -= value
    lot.save(update_fields=["quantity_remaining", "value_remaining"])
    return StockMovement.objects.create(
        center=center, item=lot.item, lot=lot, batch=uuid.uuid4(), kind=StockMovement.Kind.WRITE_OFF, cause=cause,
        quantity=quantity, value=value, purpose=lot.purpose, occurred_on=on, reason=reason[:255],
        ledger_transaction=tx, created_by=user)


# ---------------------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------------------

def with_levels(items: QuerySet[StockItem]) -> QuerySet[StockItem]:
    """``items`` annotated with what they hold: ``quantity`` and ``value`` remaining, the number of lots not
    yet used up (``open_lots``) and the nearest expiry date among them (``next_expiry``)."""
    held = Q(lots__quantity_remaining__gt=0)
    return items.annotate(quantity=Sum("lots__quantity_remaining", default=Decimal(0)),
                          value=Sum("lots__value_remaining", default=0),
                          open_lots=Count("lots", filter=held),
                          next_expiry=Min("lots__expires_on", filter=held))


def stock_levels(*, center: Center) -> QuerySet[StockItem]:
    """The center's items with their levels (``with_levels``), by category and description. Items used up
    stay listed: their history matters."""
    return with_levels(StockItem.objects.filter(center=center)).order_by("category", "description")


def stock_lots(*, center: Center, item: StockItem | None = None) -> QuerySet[StockLot]:
    """The center's lots that still hold goods, first to expire first."""
    lots = StockLot.objects.filter(center=center, quantity_remaining__gt=0)
    if item is not None:
        lots = lots.filter(item=item)
    return lots.select_related("item", "purpose").order_by(*FEFO)


def perishables_near_expiry(*, center: Center, days: int | None = None,
                            today: datetime.date | None = None) -> QuerySet[StockLot]:
    """Perishable lots still held that expire within ``days`` (default ``STOCK_NEAR_EXPIRY_DAYS``) and have
    not expired yet: the seeds require them to be distributed at once."""
    today = today or timezone.localdate()
    days = near_expiry_days() if days is None else days
    return stock_lots(center=center).filter(perishable=True, expires_on__gte=today,
                                            expires_on__lte=today + datetime.timedelta(days=days))


def expired_lots(*, center: Center, today: datetime.date | None = None) -> QuerySet[StockLot]:
    """Lots still held whose expiry date has passed: they may not be handed out and wait to be written off."""
    today = today or timezone.localdate()
    return stock_lots(center=center).filter(expires_on__lt=today)


def centers_with_expiring_stock(*, days: int | None = None, today: datetime.date | None = None) -> list[int]:
    """Ids of the centers (in the open scope) holding perishables near expiry or expired lots."""
    today = today or timezone.localdate()
    days = near_expiry_days() if days is None else days
    due = (Q(perishable=True, expires_on__lte=today + datetime.timedelta(days=days)) | Q(expires_on__lt=today))
    return sorted(set(StockLot.objects.filter(due, quantity_remaining__gt=0).values_list("center_id", flat=True)))


def stock_expiry_notify(*, center: Center, days: int | None = None) -> bool:
    """Emails the center's finance officer and chair the perishables that must be distributed at once and
    the expired lots to write off. Returns whether an email went (False: nothing due, or nobody to write
    to). Sent every day while something is due: the reminder is the point."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    days = near_expiry_days() if days is None else days
    near = list(perishables_near_expiry(center=center, days=days))
    expired = list(expired_lots(center=center))
    if not near and not expired:
        return False
    emails = sorted({a.user.email for a in TrusteeAppointment.objects.select_related("user").filter(
        center=center, status=TrusteeAppointment.Status.ACTIVE,
        role__in=[BoardRole.FINANCE_OFFICER, BoardRole.CHAIR]) if a.user.email})
    if not emails:
        return False
    with translation.override("fa"):
        context = {"center": center, "near": near, "expired": expired, "days": days,
                   "today": timezone.localdate()}
        subject = render_to_string("contributions/stock/email/near_expiry_subject.txt", context).strip()
        body = render_to_string("contributions/stock/email/near_expiry.txt", context)
    send_mail(subject, body, None, emails)
    return True
