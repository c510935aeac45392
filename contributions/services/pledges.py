"""Pledges: the only writers of ``Pledge``, its instalments, payments and reminders (seed 000 §6: a donor's
recurring or one-off commitments, in rials or in kind).

- ``pledge_create`` stores the pledge and its schedule: monthly instalments fall on the same Jalali day of
  each Jalali month, clamped to the month's length; a fixed pledge gets every instalment at once, an
  open-ended one gets them through the month after today (``pledge_extend_schedule``, run daily, adds more).
- ``pledge_record_payment`` records and confirms a cash contribution (``contribution_record_cash``: the
  ledger posts it once) and matches it to the instalments; ``pledge_match_contribution`` matches a gift
  already recorded (an in-kind delivery, an online gift). Matching: **oldest open instalment first**; a
  partial payment leaves the instalment partly paid; money beyond one instalment is **carried to the next
  ones**; money beyond everything still owed on the written schedule is **refused** (nothing stored), so no
  rial of a pledge payment is ever left unmatched.
- ``pledge_pause`` / ``pledge_resume``: a paused pledge is never reminded nor marked overdue; on resume the
  instalments that fell due during the pause and received nothing are **waived** (the commitment was
  suspended, not deferred), so the donor is not greeted by a pile of overdue months.
- ``pledge_cancel`` (a reason is required) waives what is still open and keeps everything else: paid
  instalments, payments, contributions, reminders. Nothing is deleted.
- The pledge is **completed** when every instalment of a fixed pledge is paid (or waived).
- ``pledge_contribution_reversed``: when a matched contribution is reversed, its money comes off the
  instalments again (the payment rows stay, marked unmatched).
- ``pledge_mark_overdue_and_remind`` (the daily task): open instalments of active pledges whose day has passed
  become overdue, and each gets exactly one ``PledgeReminder`` row: an email when the donor agreed to be
  contacted by email, a row saying why not otherwise (there is no SMS provider yet).

Every writer is keyword-only, atomic, and first asks ``require_center_can_operate``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import Center
from centers.services.lifecycle import require_center_can_operate
from contributions.models import (
    Contribution,
    InKindLine,
    Pledge,
    PledgeInstalment,
    PledgePayment,
    PledgeReminder,
    Purpose,
)
from core.jalali import JalaliPeriod, to_jalali
from donors.models import Donor, DonorLink
from reporting.rollups import mark_stale_many

from .gifts import contribution_record_cash, donor_link
from .ledger import purpose_get

MAX_AMOUNT = 10**13  # rials per instalment: far beyond any real pledge, far inside a BigIntegerField
MAX_INSTALMENTS = 120  # ten years of months
START_MONTHS_BACK = 12  # an existing commitment may be entered up to a year after it began
START_MONTHS_AHEAD = 24

SPONSORSHIP_PURPOSE = {Pledge.Target.ORPHAN: "orphan_sponsorship", Pledge.Target.FAMILY: "family_sponsorship"}
OPEN = (PledgeInstalment.Status.DUE, PledgeInstalment.Status.PARTLY_PAID, PledgeInstalment.Status.OVERDUE)


@dataclass(frozen=True)
class PledgeGoods:
    """What an in-kind pledge gives each time: goods, their unit and quantity."""

    description: str
    unit: str
    quantity: Decimal | int | str


def _fail(message: str, code: str):
    raise ValidationError(message, code=code)


def _whole(value, *, low: int, high: int, message: str, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        _fail(message, code)
    return value


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _schedule_horizon(today: datetime.date) -> datetime.date:
    """Open-ended pledges are written through the end of the Jalali month after ``today``'s."""
    return JalaliPeriod.containing(today, "month").next().end


# --- Reads ------------------------------------------------------------------------------------------------

def pledge_schedule(pledge: Pledge) -> list[PledgeInstalment]:
    """The pledge's instalments in order, each with its payments."""
    return list(pledge.instalments.order_by("sequence").prefetch_related("payments__contribution"))


def overdue_instalments(*, center: Center, today: datetime.date | None = None) -> QuerySet[PledgeInstalment]:
    """Open instalments of the center's active pledges whose day has passed (paused and cancelled pledges
    are never overdue)."""
    return (PledgeInstalment.objects
            .filter(center=center, pledge__status=Pledge.Status.ACTIVE, status__in=OPEN, due_on__lt=_today(today))
            .select_related("pledge__donor", "pledge__purpose").order_by("due_on", "pk"))


def pledges_with_fulfilment(*, center: Center, today: datetime.date | None = None) -> QuerySet[Pledge]:
    """The center's pledges with ``paid`` (rials matched), ``due_to_date`` (rials of instalments due by
    today; a waived one counts for what was paid on it) and ``overdue_count``."""
    today = _today(today)
    return (Pledge.objects.filter(center=center).select_related("donor", "purpose").annotate(
        paid=Sum("instalments__amount_paid", default=0),
        # A waived instalment asked only for what was paid on it before it was waived.
        due_to_date=Sum("instalments__amount_due", default=0,
                        filter=Q(instalments__due_on__lte=today) & ~Q(instalments__status="waived"))
        + Sum("instalments__amount_paid", default=0, filter=Q(instalments__status="waived")),
        overdue_count=Count("instalments", filter=Q(instalments__status__in=OPEN, instalments__due_on__lt=today)
                            & Q(status=Pledge.Status.ACTIVE)),
    ).order_by("status", "-created_at", "-pk"))


# --- Writers ----------------------------------------------------------------------------------------------

def _locked(pledge: Pledge) -> Pledge:
    return Pledge.objects.select_for_update().select_related("center", "donor", "purpose").get(pk=pledge.pk)


def _goods(goods: PledgeGoods) -> tuple[str, str, Decimal]:
    description = (goods.description or "").strip()
    if not description:
        _fail(_("Describe the goods pledged."), "no_description")
    if goods.unit not in InKindLine.Unit.values:
        _fail(_("Unknown unit."), "bad_unit")
    try:
        quantity = Decimal(str(goods.quantity))
    except (InvalidOperation, ValueError):
        quantity = Decimal("NaN")
    if (not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1e9")
            or quantity != quantity.quantize(Decimal("0.001"))):
        _fail(_("The quantity must be a positive number with at most three decimals."), "bad_quantity")
    return description[:160], goods.unit, quantity


def pledge_extend_schedule(pledge: Pledge, *, today: datetime.date | None = None) -> int:
    """Writes the instalments the schedule still lacks: all of a fixed pledge's, and an open-ended pledge's
    through the month after today (only while it is active). Returns how many were added. Call it inside a
    transaction holding the pledge's row lock."""
    existing = pledge.instalments.count()
    if pledge.instalment_count is not None:
        wanted = pledge.instalment_count
    elif pledge.status != Pledge.Status.ACTIVE:
        return 0
    else:
        horizon = _schedule_horizon(_today(today))
        wanted = max(existing, 1)
        while pledge.due_date(wanted) <= horizon:
            wanted += 1
    rows = [PledgeInstalment(center_id=pledge.center_id, pledge=pledge, sequence=index + 1,
                             due_on=pledge.due_date(index), amount_due=pledge.amount)
            for index in range(existing, wanted)]
    PledgeInstalment.objects.bulk_create(rows)
    mark_stale_many(pledge.center_id, [r.due_on for r in rows])
    return len(rows)


@transaction.atomic
def pledge_create(*, center: Center, donor: Donor | None, kind: str, amount: int, start_year: int,
                  start_month: int, due_day: int, purpose: Purpose | str | None = None,
                  target: str = Pledge.Target.PURPOSE, instalment_count: int | None = None,
                  goods: PledgeGoods | None = None, sponsorship_reference: str | None = None,
                  sponsorship_profile: str = "", note: str = "", user=None,
                  today: datetime.date | None = None) -> Pledge:
    """Stores a pledge and its schedule (ValidationError and nothing stored when anything is wrong).

    ``kind`` monthly with ``instalment_count`` (None: open-ended) or one-off (one instalment, due on
    ``due_day`` of the start month). ``amount`` is the rials of each instalment (for goods, their estimated
    value). A sponsorship's purpose follows from its target; its ``sponsorship_reference`` is for staff and
    only ``sponsorship_profile`` (anonymised) is ever shown to the donor.
    """
    require_center_can_operate(center)
    today = _today(today)
    if not isinstance(donor, Donor):
        _fail(_("A pledge needs a donor."), "donor_required")
    if kind not in Pledge.Kind.values:
        _fail(_("Unknown kind of pledge."), "bad_kind")
    if target not in Pledge.Target.values:
        _fail(_("Unknown target of pledge."), "bad_target")
    amount = _whole(amount, low=1, high=MAX_AMOUNT, code="bad_amount",
                    message=_("The amount must be a positive whole number of rials."))
    if target in SPONSORSHIP_PURPOSE:
        code = SPONSORSHIP_PURPOSE[target]
        if purpose is not None and getattr(purpose, "code", purpose) != code:
            _fail(_("A sponsorship pledge is for the sponsorship's own purpose."), "sponsorship_purpose")
        purpose = code
        sponsorship_reference = (sponsorship_reference or "").strip()[:64] or None
    else:
        if purpose is None or purpose == "":
            _fail(_("Choose the purpose of the pledge."), "purpose_required")
        if sponsorship_reference or sponsorship_profile:
            _fail(_("Only a sponsorship pledge names a sponsored file."), "not_sponsorship")
        sponsorship_reference, sponsorship_profile = None, ""
    purpose_obj = purpose_get(purpose)

    _whole(start_year, low=1, high=9377, message=_("Choose the first Jalali month."), code="bad_start")
    _whole(start_month, low=1, high=12, message=_("Choose the first Jalali month."), code="bad_start")
    _whole(due_day, low=1, high=31, message=_("The day due must be between 1 and 31."), code="bad_due_day")
    this_month = to_jalali(today)
    offset = _month_index(start_year, start_month) - _month_index(this_month.year, this_month.month)
    if not -START_MONTHS_BACK <= offset <= START_MONTHS_AHEAD:
        _fail(_("The first month must be within a year before and two years after this month."), "bad_start")

    if kind == Pledge.Kind.ONE_OFF:
        if instalment_count not in (None, 1):
            _fail(_("A one-off pledge has one instalment."), "bad_instalment_count")
        instalment_count = 1
    elif instalment_count is not None:
        instalment_count = _whole(instalment_count, low=1, high=MAX_INSTALMENTS, code="bad_instalment_count",
                                  message=_("The number of instalments must be between 1 and 120, or empty "
                                            "for an open-ended pledge."))

    item = {"item_description": "", "item_unit": "", "item_quantity": None}
    form = Pledge.Form.CASH
    if goods is not None:
        form = Pledge.Form.IN_KIND
        item["item_description"], item["item_unit"], item["item_quantity"] = _goods(goods)

    donor_link(center=center, donor=donor, source=DonorLink.Source.PLEDGE)
    pledge = Pledge.objects.create(
        center=center, donor=donor, kind=kind, form=form, target=target, purpose=purpose_obj,
        sponsorship_reference=sponsorship_reference, sponsorship_profile=(sponsorship_profile or "").strip()[:255],
        amount=amount, start_year=start_year, start_month=start_month, due_day=due_day,
        instalment_count=instalment_count, note=(note or "").strip()[:255], created_by=user, **item)
    pledge_extend_schedule(pledge, today=today)
    return pledge


@transaction.atomic
def pledge_pause(*, pledge: Pledge, reason: str = "", user=None) -> Pledge:
    """Pauses an active pledge: no reminders and nothing becomes overdue until it is resumed."""
    pledge = _locked(pledge)
    require_center_can_operate(pledge.center)
    if pledge.status != Pledge.Status.ACTIVE:
        _fail(_("Only an active pledge can be paused."), "not_active")
    pledge.status = Pledge.Status.PAUSED
    pledge.paused_at = timezone.now()
    pledge.pause_reason = (reason or "").strip()[:255]
    pledge.save(update_fields=["status", "paused_at", "pause_reason"])
    return pledge


@transaction.atomic
def pledge_resume(*, pledge: Pledge, user=None, today: datetime.date | None = None) -> Pledge:
    """Resumes a paused pledge. Instalments that fell due during the pause and received nothing are waived."""
    pledge = _locked(pledge)
    require_center_can_operate(pledge.center)
    if pledge.status != Pledge.Status.PAUSED:
        _fail(_("Only a paused pledge can be resumed."), "not_paused")
    today = _today(today)
    paused_on = timezone.localdate(pledge.paused_at) if pledge.paused_at else today
    pledge.status = Pledge.Status.ACTIVE
    pledge.resumed_at = timezone.now()
    pledge.save(update_fields=["status", "resumed_at"])
    pledge_extend_schedule(pledge, today=today)
    pledge.instalments.filter(status__in=OPEN, amount_paid=0, due_on__gte=paused_on, due_on__lt=today).update(
        status=PledgeInstalment.Status.WAIVED, waived_reason=_("Fell due while the pledge was paused."))
    _complete_if_settled(pledge)
    return pledge


@transaction.atomic
def pledge_cancel(*, pledge: Pledge, reason: str, user=None) -> Pledge:
    """Cancels an active or paused pledge. Paid instalments, payments and reminders stay as they are; what is
    still open is waived. Nothing is deleted."""
    pledge = _locked(pledge)
    require_center_can_operate(pledge.center)
    reason = (reason or "").strip()
    if not reason:
        _fail(_("Say why the pledge is cancelled."), "reason_required")
    if pledge.status not in (Pledge.Status.ACTIVE, Pledge.Status.PAUSED):
        _fail(_("Only an active or paused pledge can be cancelled."), "not_cancellable")
    pledge.status = Pledge.Status.CANCELLED
    pledge.cancelled_at = timezone.now()
    pledge.cancelled_by = user
    pledge.cancel_reason = reason[:255]
    pledge.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    mark_stale_many(pledge.center_id, pledge.instalments.filter(status__in=OPEN).values_list("due_on", flat=True))
    pledge.instalments.filter(status__in=OPEN).update(status=PledgeInstalment.Status.WAIVED,
                                                      waived_reason=_("The pledge was cancelled."))
    return pledge


def _complete_if_settled(pledge: Pledge) -> None:
    if pledge.instalment_count is None or pledge.status != Pledge.Status.ACTIVE:
        return
    settled = pledge.instalments.exclude(status__in=OPEN).count()
    if settled >= pledge.instalment_count:
        pledge.status = Pledge.Status.COMPLETED
        pledge.completed_at = timezone.now()
        pledge.save(update_fields=["status", "completed_at"])


def _outstanding(pledge: Pledge) -> int:
    total = pledge.instalments.filter(status__in=OPEN).aggregate(
        due=Sum("amount_due", default=0), paid=Sum("amount_paid", default=0))
    return total["due"] - total["paid"]


def _allocate(pledge: Pledge, contribution: Contribution, amount: int, *, user, today: datetime.date) -> list:
    """Matches ``amount`` of ``contribution`` to the open instalments, oldest first."""
    payments = []
    remaining = amount
    for instalment in pledge.instalments.select_for_update().filter(status__in=OPEN).order_by("sequence"):
        if remaining <= 0:
            break
        take = min(remaining, instalment.amount_due - instalment.amount_paid)
        instalment.amount_paid += take
        remaining -= take
        if instalment.amount_paid == instalment.amount_due:
            instalment.status = PledgeInstalment.Status.PAID
        elif instalment.status == PledgeInstalment.Status.OVERDUE or instalment.due_on < today:
            instalment.status = PledgeInstalment.Status.OVERDUE
        else:
            instalment.status = PledgeInstalment.Status.PARTLY_PAID
        instalment.save(update_fields=["amount_paid", "status"])
        payments.append(PledgePayment.objects.create(center_id=pledge.center_id, pledge=pledge,
                                                     instalment=instalment, contribution=contribution,
                                                     amount=take, matched_by=user))
    if remaining:  # the caller checked the outstanding amount under the pledge's lock
        raise AssertionError("pledge payment left unmatched")
    mark_stale_many(pledge.center_id, [p.instalment.due_on for p in payments])
    _complete_if_settled(pledge)
    return payments


def _check_payable(pledge: Pledge, amount: int, today: datetime.date) -> int:
    if pledge.status not in (Pledge.Status.ACTIVE, Pledge.Status.PAUSED):
        _fail(_("This pledge is closed: it takes no more payments."), "pledge_closed")
    amount = _whole(amount, low=1, high=MAX_AMOUNT * MAX_INSTALMENTS, code="bad_amount",
                    message=_("The amount must be a positive whole number of rials."))
    pledge_extend_schedule(pledge, today=today)
    outstanding = _outstanding(pledge)
    if amount > outstanding:
        _fail(_("The payment is more than the %(outstanding)s rials still owed on this pledge's schedule.")
              % {"outstanding": f"{outstanding:,}"}, "overpayment")
    return amount


@transaction.atomic
def pledge_record_payment(*, pledge: Pledge, amount: int, received_on: datetime.date,
                          channel: str = Contribution.Channel.IN_PERSON, user=None, external_reference: str = "",
                          today: datetime.date | None = None) -> Contribution:
    """Records and confirms the donor's cash payment (posted to the pledge's purpose fund exactly once) and
    matches it to the instalments, oldest open one first. Refuses an in-kind pledge, a closed pledge and a
    payment larger than what the written schedule still owes; nothing is stored then."""
    pledge = _locked(pledge)
    require_center_can_operate(pledge.center)
    if pledge.form != Pledge.Form.CASH:
        _fail(_("Goods pledged are received as an in-kind contribution, then matched to the pledge."),
              "in_kind_pledge")
    today = _today(today)
    if isinstance(received_on, datetime.date):
        today = max(today, received_on)
    amount = _check_payable(pledge, amount, today)
    contribution = contribution_record_cash(
        center=pledge.center, purpose=pledge.purpose, amount=amount, received_on=received_on, channel=channel,
        donor=pledge.donor, external_reference=external_reference, user=user,
        note=_("Pledge #%(pk)s") % {"pk": pledge.pk})
    _allocate(pledge, contribution, amount, user=user, today=today)
    return contribution


@transaction.atomic
def pledge_match_contribution(*, pledge: Pledge, contribution: Contribution, user=None,
                              today: datetime.date | None = None) -> list[PledgePayment]:
    """Matches a confirmed contribution already recorded (goods delivered for an in-kind pledge, an online
    gift for a cash one) to the pledge's open instalments, oldest first. Same donor, center and purpose; cash
    for a cash pledge, goods for an in-kind one; a contribution is matched once."""
    pledge = _locked(pledge)
    require_center_can_operate(pledge.center)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.center_id != pledge.center_id or contribution.donor_id != pledge.donor_id:
        _fail(_("The contribution is not this pledge donor's gift at this center."), "other_donor")
    if contribution.status != Contribution.Status.CONFIRMED:
        _fail(_("Only a confirmed contribution can be matched to a pledge."), "not_confirmed")
    if contribution.purpose_id != pledge.purpose_id:
        _fail(_("The contribution's purpose is not the pledge's."), "other_purpose")
    wanted_kind = Contribution.Kind.CASH if pledge.form == Pledge.Form.CASH else Contribution.Kind.IN_KIND
    if contribution.kind != wanted_kind:
        _fail(_("A cash pledge is paid in cash, an in-kind pledge in goods."), "wrong_form")
    if PledgePayment.objects.filter(contribution=contribution, unmatched_at__isnull=True).exists():
        _fail(_("This contribution is already matched to a pledge."), "already_matched")
    today = max(_today(today), contribution.received_on)
    amount = _check_payable(pledge, contribution.amount, today)
    return _allocate(pledge, contribution, amount, user=user, today=today)


@transaction.atomic
def pledge_contribution_reversed(*, contribution: Contribution) -> int:
    """Takes a reversed contribution's money off the instalments it paid (the payment rows stay, marked
    unmatched, so the history shows what happened). A completed pledge whose instalment reopens becomes active
    again. Returns how many matches were undone. Called by ``contribution_reverse``."""
    payments = list(PledgePayment.objects.select_for_update().select_related("instalment", "pledge")
                    .filter(contribution=contribution, unmatched_at__isnull=True).order_by("pk"))
    if not payments:
        return 0
    today = timezone.localdate()
    now = timezone.now()
    for payment in payments:
        instalment = PledgeInstalment.objects.select_for_update().get(pk=payment.instalment_id)
        instalment.amount_paid -= payment.amount
        if instalment.status != PledgeInstalment.Status.WAIVED:
            if instalment.due_on < today:
                instalment.status = PledgeInstalment.Status.OVERDUE
            elif instalment.amount_paid:
                instalment.status = PledgeInstalment.Status.PARTLY_PAID
            else:
                instalment.status = PledgeInstalment.Status.DUE
        instalment.save(update_fields=["amount_paid", "status"])
        payment.unmatched_at = now
        payment.save(update_fields=["unmatched_at"])
    mark_stale_many(contribution.center_id, [p.instalment.due_on for p in payments])
    for pledge in {p.pledge for p in payments}:
        if pledge.status == Pledge.Status.COMPLETED:
            Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.ACTIVE, completed_at=None)
    return len(payments)


# --- The daily task's work ----------------------------------------------------------------------------------

def _send_reminder(instalment: PledgeInstalment) -> tuple[str, str]:
    """Emails the donor when they agreed to be contacted by email; returns (outcome, address)."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    donor = instalment.pledge.donor
    if not (donor.contact_by_email and donor.consent_at):
        return PledgeReminder.Outcome.NO_CONSENT, ""
    if not donor.email:
        return PledgeReminder.Outcome.NO_ADDRESS, ""
    with translation.override("fa"):
        # The donor's view only: never the sponsored file's reference.
        context = {"donor": donor, "instalment": instalment, "pledge": instalment.pledge,
                   "center": instalment.pledge.center, "view": instalment.pledge.donor_view(),
                   "outstanding": instalment.outstanding}
        subject = render_to_string("contributions/pledges/email/reminder_subject.txt", context).strip()
        body = render_to_string("contributions/pledges/email/reminder.txt", context)
    send_mail(subject, body, None, [donor.email])
    return PledgeReminder.Outcome.EMAILED, donor.email


@transaction.atomic
def pledge_mark_overdue_and_remind(*, center: Center, today: datetime.date | None = None) -> tuple[int, int]:
    """The daily work for one center: extends open-ended schedules, marks overdue instalments and reminds each
    overdue instalment once. Paused and cancelled pledges are skipped. Returns (marked, reminded)."""
    require_center_can_operate(center)
    today = _today(today)
    for pledge in Pledge.objects.select_for_update().filter(center=center, status=Pledge.Status.ACTIVE,
                                                            instalment_count__isnull=True):
        pledge_extend_schedule(pledge, today=today)
    marked = overdue_instalments(center=center, today=today).exclude(
        status=PledgeInstalment.Status.OVERDUE).update(status=PledgeInstalment.Status.OVERDUE)
    reminded = 0
    waiting = overdue_instalments(center=center, today=today).filter(reminder__isnull=True).select_related(
        "pledge__center")
    for instalment in waiting:
        try:
            with transaction.atomic():  # one savepoint each: a failed email leaves no row, so it is retried
                reminder = PledgeReminder.objects.create(center=center, pledge=instalment.pledge,
                                                         instalment=instalment, outcome="")
                reminder.outcome, reminder.sent_to = _send_reminder(instalment)
                reminder.save(update_fields=["outcome", "sent_to"])
        except IntegrityError:  # another run reminded it first
            continue
        reminded += 1
    return marked, reminded
