"""Recording, confirming and reversing contributions: the only writers of ``Contribution`` and its lines.

- ``contribution_record`` stores a gift as *recorded*: nothing is posted yet (a trustee may record what a
  colleague will check against the bank statement or the box count).
- ``contribution_confirm`` posts it: cash goes to the ledger exactly once (the ledger reference is
  ``contribution:<pk>``, unique in the database); goods enter the stock; a receipt is issued.
- ``contribution_reverse`` reverses a confirmed gift with a ledger reversal pointing at the original (refused
  when the money or goods were already spent); a recorded gift that was never confirmed is simply marked
  reversed. Nothing is ever deleted.
- ``contribution_record_cash`` records and confirms a cash gift in one step: the trustee's quick form and
  the import use it.

Each writer is keyword-only, atomic, first asks ``require_center_can_operate``, and links the donor to the
center (``DonorLink``), which is what makes a donor visible to the center.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import Center
from centers.services.lifecycle import require_center_can_operate
from contributions.models import (
    Account,
    Campaign,
    ConstructionDetail,
    Contribution,
    InKindLine,
    Purpose,
    ServiceDetail,
)
from donors.models import Donor, DonorLink
from reporting.rollups import mark_stale

from .ledger import account_for, purpose_get, transaction_post, transaction_reverse

# Money given in person or in a box is cash on hand; everything else arrives in the bank account.
CASH_CHANNELS = frozenset({Contribution.Channel.IN_PERSON, Contribution.Channel.CHARITY_BOX})


@dataclass(frozen=True)
class GoodsLine:
    category: str
    description: str
    unit: str
    quantity: Decimal | int | str
    unit_value: int
    perishable: bool = False
    expires_on: datetime.date | None = None


@dataclass(frozen=True)
class ServiceGiven:
    service_type: str
    quantity: Decimal | int | str
    measure: str = ServiceDetail.Measure.HOURS
    description: str = ""


@dataclass(frozen=True)
class ConstructionGiven:
    form: str
    facility_type: str
    facility_name: str
    address: str = ""
    area_m2: int | None = None
    completed_on: datetime.date | None = None


def _check_donor(center: Center, donor: Donor) -> None:
    """A gift at ``center`` may name only a donor of its organisation who was not merged away."""
    if donor.organization_id != center.organization_id:
        raise ValidationError(_("This donor belongs to another organisation."), code="donor_organization")
    if donor.merged_into_id is not None:
        raise ValidationError(_("This donor was merged into another; use the kept donor."), code="donor_merged")


def donor_link(*, center: Center, donor: Donor, source: str = DonorLink.Source.CONTRIBUTION) -> DonorLink:
    """Makes ``donor`` visible to ``center`` (idempotent). Refuses a donor of another organisation."""
    _check_donor(center, donor)
    link, _created = DonorLink.objects.get_or_create(center=center, donor=donor, defaults={"source": source})
    return link


def _positive_int(value, message: str, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(message, code=code)
    return value


def _quantity(value) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("The quantity must be a positive number."), code="bad_quantity") from None
    if not quantity.is_finite() or quantity <= 0 or quantity != quantity.quantize(Decimal("0.001")):
        raise ValidationError(_("The quantity must be a positive number with at most three decimals."),
                              code="bad_quantity")
    if quantity >= 10**9:  # the column holds 12 digits, 3 of them decimals
        raise ValidationError(_("The quantity is too large."), code="bad_quantity")
    return quantity


def _service_quantity(value) -> Decimal:
    """Hours or sessions: the column holds 8 digits, one of them a decimal."""
    quantity = _quantity(value)
    if quantity != quantity.quantize(Decimal("0.1")) or quantity >= 10**7:
        raise ValidationError(_("Hours or sessions must be a positive number with at most one decimal."),
                              code="bad_quantity")
    return quantity


def _choice(value: str, choices, message: str, code: str) -> str:
    if value not in choices.values:
        raise ValidationError(message, code=code)
    return value


def _check_campaign(center: Center, campaign: Campaign | None, received_on: datetime.date, *,
                    takes_part: bool | None = None) -> None:
    """``takes_part``: whether the center takes part in the campaign, when the caller already knows (the
    batch asks once per campaign, not once per gift)."""
    if campaign is None:
        return
    if takes_part is None:
        takes_part = campaign.centers.filter(pk=center.pk).exists()
    if not takes_part:
        raise ValidationError(_("This center does not take part in the campaign."), code="campaign_center")
    if not campaign.starts_on <= received_on <= campaign.ends_on:
        raise ValidationError(_("The date is outside the campaign's period."), code="campaign_period")


def _check_received_on(received_on) -> None:
    if not isinstance(received_on, datetime.date):
        raise ValidationError(_("The date received is required."), code="bad_date")
    if received_on > timezone.localdate():
        raise ValidationError(_("The date received cannot be in the future."), code="future_date")


def _clean_external_reference(external_reference) -> str:
    """The reference stripped, or ValidationError when too long (uniqueness is the caller's check)."""
    external_reference = (external_reference or "").strip()
    if len(external_reference) > 64:
        raise ValidationError(_("The bank or gateway reference is too long."), code="bad_external_reference")
    return external_reference


def _duplicate_external_reference() -> ValidationError:
    return ValidationError(_("A contribution with this bank or gateway reference is already recorded."),
                           code="duplicate_external_reference")


@transaction.atomic
def contribution_record(*, center: Center, kind: str, purpose: Purpose | str, received_on: datetime.date,
                        channel: str = Contribution.Channel.IN_PERSON, donor: Donor | None = None,
                        amount: int | None = None, goods: list[GoodsLine] | None = None,
                        service: ServiceGiven | None = None, construction: ConstructionGiven | None = None,
                        campaign: Campaign | None = None, external_reference: str = "", note: str = "",
                        user=None) -> Contribution:
    """Stores a contribution as *recorded* (ValidationError and nothing stored when anything is wrong).

    ``amount`` is the rials given (cash) or the declared value (service, construction); for goods it is the
    sum of the lines' values and must not be given.
    """
    require_center_can_operate(center)
    _choice(kind, Contribution.Kind, _("Unknown kind of contribution."), "bad_kind")
    _choice(channel, Contribution.Channel, _("Unknown channel."), "bad_channel")
    _check_received_on(received_on)
    purpose_obj = purpose_get(purpose)
    _check_campaign(center, campaign, received_on)
    external_reference = _clean_external_reference(external_reference)
    if external_reference and Contribution.objects.filter(center=center,
                                                          external_reference=external_reference).exists():
        raise _duplicate_external_reference()

    goods = list(goods or [])
    if kind == Contribution.Kind.IN_KIND:
        if not goods:
            raise ValidationError(_("An in-kind contribution needs at least one line of goods."), code="no_goods")
        if amount is not None:
            raise ValidationError(_("The value of goods is the sum of their lines."), code="goods_amount")
        amount = 0
        checked = []
        for line in goods:
            _choice(line.category, InKindLine.Category, _("Unknown category of goods."), "bad_category")
            _choice(line.unit, InKindLine.Unit, _("Unknown unit."), "bad_unit")
            description = (line.description or "").strip()
            if not description:
                raise ValidationError(_("Every line of goods needs a description."), code="no_description")
            quantity = _quantity(line.quantity)
            unit_value = _positive_int(line.unit_value, _("The unit value must be a positive whole number of "
                                                          "rials."), "bad_unit_value")
            if line.perishable and line.expires_on is None:
                raise ValidationError(_("Perishable goods need an expiry date."), code="perishable_expiry")
            row = InKindLine(center=center, category=line.category, description=description[:160],
                             unit=line.unit, quantity=quantity, unit_value=unit_value,
                             perishable=bool(line.perishable), expires_on=line.expires_on)
            amount += row.value
            checked.append(row)
        if amount <= 0:
            raise ValidationError(_("The goods must have a value."), code="bad_amount")
    else:
        if goods:
            raise ValidationError(_("Only an in-kind contribution has lines of goods."), code="goods_not_in_kind")
        amount = _positive_int(amount, _("The amount must be a positive whole number of rials."), "bad_amount")
    if (kind == Contribution.Kind.SERVICE) != (service is not None):
        raise ValidationError(_("A service contribution, and only it, describes the service given."),
                              code="service_detail")
    if (kind == Contribution.Kind.CONSTRUCTION) != (construction is not None):
        raise ValidationError(_("A construction contribution, and only it, describes the construction."),
                              code="construction_detail")
    if donor is not None:
        donor_link(center=center, donor=donor)

    contribution = Contribution.objects.create(
        center=center, donor=donor, kind=kind, purpose=purpose_obj, channel=channel, received_on=received_on,
        campaign=campaign, amount=amount, external_reference=external_reference, note=(note or "")[:255],
        recorded_by=user)
    if kind == Contribution.Kind.IN_KIND:
        for row in checked:
            row.contribution = contribution
        InKindLine.objects.bulk_create(checked)
    elif kind == Contribution.Kind.SERVICE:
        _choice(service.service_type, ServiceDetail.ServiceType, _("Unknown type of service."), "bad_service")
        _choice(service.measure, ServiceDetail.Measure, _("Unknown measure."), "bad_measure")
        ServiceDetail.objects.create(center=center, contribution=contribution, service_type=service.service_type,
                                     measure=service.measure, quantity=_service_quantity(service.quantity),
                                     description=(service.description or "")[:255])
    elif kind == Contribution.Kind.CONSTRUCTION:
        _choice(construction.form, ConstructionDetail.Form, _("Unknown form of construction."), "bad_form")
        _choice(construction.facility_type, ConstructionDetail.FacilityType, _("Unknown type of facility."),
                "bad_facility")
        if not (construction.facility_name or "").strip():
            raise ValidationError(_("The facility needs a name."), code="no_facility_name")
        ConstructionDetail.objects.create(
            center=center, contribution=contribution, form=construction.form,
            facility_type=construction.facility_type, facility_name=construction.facility_name.strip()[:160],
            address=(construction.address or "")[:300], area_m2=construction.area_m2,
            completed_on=construction.completed_on)
    return contribution


def _locked(contribution: Contribution) -> Contribution:
    # Locks the contribution and its center (confirmations at one center queue, and the batch path takes the
    # center's lock first too, so the two never deadlock), but not the purpose joined in: locking it would make
    # every confirmation of that purpose in the country wait for the one before.
    return (Contribution.objects.select_for_update(of=("self", "center")).select_related("purpose", "center")
            .get(pk=contribution.pk))


@transaction.atomic
def contribution_confirm(*, contribution: Contribution, user=None) -> Contribution:
    """Confirms a recorded contribution: cash posts to the ledger exactly once (cash channels to cash on
    hand, the others to the bank), goods enter the stock. Confirming a confirmed one returns it unchanged."""
    contribution = _locked(contribution)
    require_center_can_operate(contribution.center)
    if contribution.status == Contribution.Status.CONFIRMED:
        return contribution
    if contribution.status == Contribution.Status.REVERSED:
        raise ValidationError(_("A reversed contribution cannot be confirmed; record it again."),
                              code="confirm_reversed")
    center, purpose = contribution.center, contribution.purpose
    if contribution.kind == Contribution.Kind.CASH:
        via = Account.Kind.CASH if contribution.channel in CASH_CHANNELS else Account.Kind.BANK
        contribution.ledger_transaction = transaction_post(
            center=center, occurred_on=contribution.received_on, reference=contribution.ledger_reference,
            lines=[(account_for(center, via), -contribution.amount),
                   (account_for(center, Account.Kind.FUND, purpose), contribution.amount)],
            memo=_("Contribution #%(pk)s for %(purpose)s") % {"pk": contribution.pk, "purpose": purpose.name},
            user=user)
    elif contribution.kind == Contribution.Kind.IN_KIND:
        from .stock import stock_receive_contribution

        contribution.ledger_transaction = stock_receive_contribution(contribution=contribution, user=user)
    contribution.status = Contribution.Status.CONFIRMED
    contribution.confirmed_at = timezone.now()
    contribution.confirmed_by = user
    contribution.save(update_fields=["status", "confirmed_at", "confirmed_by", "ledger_transaction"])
    from .receipts import receipt_issue  # same transaction: a confirmation rolled back leaves no number gap

    receipt_issue(contribution=contribution, user=user)
    from donor_portal.notifications import receipt_issued  # the receipt link by SMS, queued after commit

    receipt_issued(contribution=contribution)
    mark_stale(contribution.center_id, contribution.received_on)
    return contribution


@transaction.atomic
def contribution_reverse(*, contribution: Contribution, reason: str, user=None) -> Contribution:
    """Reverses a contribution. A confirmed one gets a ledger reversal pointing at its posting (refused when
    its money or goods were already spent: the fund or stock would go below zero)."""
    contribution = _locked(contribution)
    require_center_can_operate(contribution.center)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the contribution is reversed."), code="reason_required")
    if contribution.status == Contribution.Status.REVERSED:
        raise ValidationError(_("This contribution is already reversed."), code="already_reversed")
    if contribution.status == Contribution.Status.CONFIRMED:
        if contribution.kind == Contribution.Kind.IN_KIND:
            from .stock import stock_reverse_contribution

            stock_reverse_contribution(contribution=contribution, user=user)
        elif contribution.ledger_transaction_id is not None:
            transaction_reverse(transaction=contribution.ledger_transaction, user=user,
                                memo=_("Reversal of contribution #%(pk)s") % {"pk": contribution.pk})
    from .pledges import pledge_contribution_reversed  # a reversed payment no longer pays its instalment

    pledge_contribution_reversed(contribution=contribution)
    contribution.status = Contribution.Status.REVERSED
    contribution.reversed_at = timezone.now()
    contribution.reversed_by = user
    contribution.reversal_reason = reason[:255]
    contribution.save(update_fields=["status", "reversed_at", "reversed_by", "reversal_reason"])
    mark_stale(contribution.center_id, contribution.received_on)
    return contribution


@transaction.atomic
def contribution_record_cash(*, center: Center, purpose: Purpose | str, amount: int, received_on: datetime.date,
                             channel: str = Contribution.Channel.IN_PERSON, donor: Donor | None = None,
                             campaign: Campaign | None = None, external_reference: str = "", note: str = "",
                             user=None) -> Contribution:
    """Records and confirms a cash gift in one step."""
    contribution = contribution_record(center=center, kind=Contribution.Kind.CASH, purpose=purpose,
                                       amount=amount, received_on=received_on, channel=channel, donor=donor,
                                       campaign=campaign, external_reference=external_reference, note=note,
                                       user=user)
    return contribution_confirm(contribution=contribution, user=user)
