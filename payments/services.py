"""Online giving: the merchant settings, starting a payment, the bank's callback, and re-verification.

Exactly once (DESIGN §5, §6): however many times and however concurrently the bank calls back, a payment is
verified and posted once. The callback

1. finds the payment by its unguessable ``public_id`` and **locks its row** (``select_for_update``), so two
   callbacks of one payment queue;
2. refuses, changing nothing, a callback that names another center or carries another authority;
3. answers a verified payment from its **stored outcome** without asking the gateway again;
4. verifies with the amount **from our database** (never from the callback's parameters);
5. on success records and confirms the contribution (``contributions.services.gifts``: ledger posting with
   the unique reference ``contribution:<pk>``, and the receipt) and links it one-to-one to the payment.

``UNIQUE(gateway, authority)`` keeps two payments from claiming one bank transaction. A payment the donor
abandoned, or whose callback never came, is re-verified and then verified or expired by a periodic task
(``payments.tasks``).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from centers.models import Center
from centers.services.lifecycle import center_operating_problem
from contributions.models import Campaign, Contribution, Purpose
from contributions.services.gifts import contribution_confirm, contribution_record, donor_link
from core import validators
from donors.models import Donor, DonorLink

from . import conf, crypto
from .gateways import GatewayError, gateway_for
from .gateways.base import CallbackOutcome, VerifyResult, VerifyStatus
from .models import Gateway, MerchantAccount, Payment

S = Payment.Status

# The one table of what may become what (see the diagram in payments/models.py).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.REDIRECTED, S.FAILED, S.EXPIRED}),
    S.REDIRECTED: frozenset({S.RETURNED, S.CANCELLED, S.FAILED, S.EXPIRED, S.VERIFIED}),
    S.RETURNED: frozenset({S.VERIFIED, S.FAILED}),
    # A later verify finds the money after all; or it was verified at the bank but could not be recorded yet
    # (returned: the task tries again).
    S.FAILED: frozenset({S.VERIFIED, S.RETURNED}),
    S.CANCELLED: frozenset({S.VERIFIED, S.RETURNED}),
    S.EXPIRED: frozenset({S.VERIFIED, S.RETURNED}),
    S.VERIFIED: frozenset(),
}
UNPAID_FINAL = frozenset({S.FAILED, S.CANCELLED, S.EXPIRED})
PENDING = frozenset({S.CREATED, S.REDIRECTED, S.RETURNED})


def _move(payment: Payment, status: str, *, message: str = "", code: str = "") -> None:
    if status != payment.status and status not in TRANSITIONS[payment.status]:
        raise ValueError(f"payment {payment.pk}: {payment.status} may not become {status}")
    payment.status = status
    if message:
        payment.outcome_message = message[:255]
    if code:
        payment.outcome_code = code[:16]
    if status in (S.VERIFIED, *UNPAID_FINAL):
        payment.finished_at = timezone.now()


# --- the center's settings ---------------------------------------------------------------------------------

def accepted_purposes(center: Center) -> list[Purpose]:
    """General giving, plus the restricted purposes the center accepts (all of them unless it chose some)."""
    account = MerchantAccount.objects.filter(center=center).first()
    chosen = list(account.accepted_purposes.all()) if account is not None else []
    purposes = chosen or list(Purpose.objects.all())
    general = [p for p in Purpose.objects.filter(restricted=False)]
    merged = {p.pk: p for p in [*general, *purposes]}
    return sorted(merged.values(), key=lambda p: (p.restricted, p.name))


def donation_problem(center: Center) -> str | None:
    """Why the center cannot take online gifts now, in words for the donor; None when it can."""
    problem = center_operating_problem(center)
    if problem is not None:
        return _("This center cannot accept donations now: it is not a licensed center in operation.")
    account = MerchantAccount.objects.filter(center=center).first()
    if account is None or not account.active:
        return _("This center does not accept online donations yet. You can give in person at the center.")
    if account.gateway == Gateway.SANDBOX and not conf.sandbox_enabled():
        return _("This center does not accept online donations yet. You can give in person at the center.")
    if not center.iban:
        return _("This center does not accept online donations yet. You can give in person at the center.")
    return None


@transaction.atomic
def merchant_account_save(*, center: Center, gateway: str, merchant_id: str = "", active: bool = True,
                          purposes: list[Purpose] | None = None, user=None) -> MerchantAccount:
    """Creates or changes the center's merchant account. ``merchant_id`` empty keeps the stored one. Refused
    without the center's bank account (seed 002: the one account at the designated bank, where the gateway
    settles), for a sandbox merchant where the sandbox is off, and for restricted purposes only."""
    if gateway not in Gateway.values:
        raise ValidationError(_("Unknown gateway."), code="bad_gateway")
    if gateway == Gateway.SANDBOX and not conf.sandbox_enabled():
        raise ValidationError(_("The sandbox bank is for testing only and is switched off here."),
                              code="sandbox_off")
    if active and not center.iban:
        raise ValidationError(_("Record the center's bank account (sheba) in its profile first: the gateway "
                                "settles into that one account."), code="no_iban")
    merchant_id = (merchant_id or "").strip()
    if len(merchant_id) > 64 or any(ch.isspace() for ch in merchant_id):
        raise ValidationError(_("The merchant id is too long or has spaces."), code="bad_merchant")
    account = MerchantAccount.objects.select_for_update().filter(center=center).first()
    if account is None:
        if not merchant_id:
            raise ValidationError(_("Enter the merchant id the gateway gave the center."), code="no_merchant")
        account = MerchantAccount(center=center)
    elif account.gateway != gateway and not merchant_id:
        raise ValidationError(_("A new gateway needs its merchant id."), code="no_merchant")
    account.gateway = gateway
    account.active = bool(active)
    account.updated_by = user
    if merchant_id:
        account.merchant_id_encrypted = crypto.encrypt(merchant_id, center_id=center.pk)
        account.merchant_hint = crypto.hint(merchant_id)
    account.save()
    purposes = [p for p in (purposes or []) if p.restricted]
    account.accepted_purposes.set(purposes)
    return account


# --- starting a payment ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Started:
    payment: Payment
    redirect_url: str  # empty when the gateway refused or could not be reached (the payment is then failed)


def _clean_mobile(mobile: str) -> str:
    mobile = (mobile or "").strip()
    return validators.normalize_mobile(mobile) if mobile else ""


def _check_campaign(center: Center, campaign: Campaign | None, today: datetime.date) -> None:
    if campaign is None:
        return
    if not campaign.centers.filter(pk=center.pk).exists():
        raise ValidationError(_("This center does not take part in that campaign."), code="campaign_center")
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise ValidationError(_("That campaign is not running now."), code="campaign_period")


@transaction.atomic
def payment_start(*, center: Center, amount: int, purpose: Purpose, callback_url_for: Callable[[str], str],
                  campaign: Campaign | None = None, donor_name: str = "", donor_mobile: str = "") -> Started:
    """Stores a payment and asks the center's gateway for it. ``callback_url_for(public_id)`` gives the
    absolute address the bank sends the donor back to.

    Refuses (ValidationError, nothing stored) a center that cannot take gifts, an amount out of bounds, a
    purpose the center does not accept, a campaign it does not run. A gateway that refuses or does not
    answer leaves the payment *failed* with the reason: nothing is charged, nothing is lost."""
    problem = donation_problem(center)
    if problem is not None:
        raise ValidationError(problem, code="not_accepting")
    low, high = int(conf.get("PAYMENTS_MIN_AMOUNT")), int(conf.get("PAYMENTS_MAX_AMOUNT"))
    if isinstance(amount, bool) or not isinstance(amount, int) or not low <= amount <= high:
        raise ValidationError(_("An online gift must be between %(low)s and %(high)s rials.")
                              % {"low": f"{low:,}", "high": f"{high:,}"}, code="bad_amount")
    if purpose.pk not in {p.pk for p in accepted_purposes(center)}:
        raise ValidationError(_("This center does not accept gifts for that purpose."), code="bad_purpose")
    _check_campaign(center, campaign, timezone.localdate())
    donor_name = " ".join((donor_name or "").split())[:128]
    mobile = _clean_mobile(donor_mobile)
    account = MerchantAccount.objects.get(center=center)
    public_id = secrets.token_urlsafe(18)
    callback_url = callback_url_for(public_id)
    payment = Payment.objects.create(center=center, merchant=account, gateway=account.gateway,
                                     public_id=public_id, amount=amount, purpose=purpose, campaign=campaign,
                                     donor_name=donor_name, donor_mobile=mobile, callback_url=callback_url)
    description = _("Gift to %(center)s: %(purpose)s") % {"center": center.name, "purpose": purpose.name}
    try:
        gateway = gateway_for(account, callback_url=callback_url)
        answer = gateway.request(amount=amount, callback_url=callback_url, description=description,
                                 mobile=mobile, order_id=public_id)
    except GatewayError:
        _move(payment, S.FAILED, message=_("The bank's gateway did not answer."), code="unreachable")
        payment.save()
        return Started(payment, "")
    if not answer.ok:
        _move(payment, S.FAILED, message=_("The bank's gateway refused the payment (%(code)s).")
              % {"code": answer.code}, code=answer.code)
        payment.save()
        return Started(payment, "")
    payment.authority = answer.authority[:64]
    payment.redirected_at = timezone.now()
    _move(payment, S.REDIRECTED, code=answer.code)
    payment.save()
    return Started(payment, answer.redirect_url)


# --- the callback ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CallbackAnswer:
    payment: Payment | None
    problem: str = ""  # a refusal that changed nothing, in words for the donor
    status_code: int = 200


def _locked(public_id: str) -> Payment | None:
    # reviewed: the public callback reads exactly the one payment whose unguessable code is in its address;
    # everything after runs inside that payment's center scope.
    with scopes_disabled():
        return (Payment.objects.select_for_update(of=("self",)).select_related("center", "merchant", "purpose")
                .filter(public_id=public_id).first())


@transaction.atomic
def payment_callback(*, center_slug: str, public_id: str, params) -> CallbackAnswer:
    """Handles the bank's return for one payment (see the module's docstring for the exactly-once rules)."""
    if not isinstance(public_id, str) or len(public_id) > 32:
        return CallbackAnswer(None, _("No payment has this address."), 404)
    payment = _locked(public_id)
    if payment is None:
        return CallbackAnswer(None, _("No payment has this address."), 404)
    if payment.center.slug != center_slug:
        return CallbackAnswer(None, _("This bank answer belongs to a payment of another center; nothing was "
                                      "recorded. Go back to the center's page you gave on."), 400)
    with scope(center=[payment.center_id]):
        try:
            gateway = gateway_for(payment.merchant, callback_url=payment.callback_url)
        except GatewayError:
            return CallbackAnswer(payment, _("The center's gateway is not available now; nothing was recorded. "
                                             "If money was taken, it will be checked and recorded shortly."), 503)
        data = gateway.parse_callback(params)
        if data is None or not payment.authority or data.authority != payment.authority:
            return CallbackAnswer(None, _("The bank's answer does not match this payment, so nothing was "
                                          "recorded. If money was taken, it will be checked with the bank and "
                                          "recorded, or returned by the bank."), 400)
        payment.callbacks += 1
        if payment.status == S.VERIFIED:  # a replay: the stored outcome answers
            payment.save(update_fields=["callbacks"])
            return CallbackAnswer(payment)
        if data.outcome != CallbackOutcome.PAID:
            if payment.status in (S.CREATED, S.REDIRECTED):
                cancelled = data.outcome == CallbackOutcome.CANCELLED
                _move(payment, S.CANCELLED if cancelled else S.FAILED,
                      message=_("Cancelled at the bank.") if cancelled else _("The bank declined the payment."),
                      code="cancelled" if cancelled else "declined")
                payment.returned_at = timezone.now()
            payment.save()
            return CallbackAnswer(payment)
        if payment.status == S.REDIRECTED:
            _move(payment, S.RETURNED)
            payment.returned_at = timezone.now()
        _verify_and_finish(payment, gateway)
        return CallbackAnswer(payment)


def _verify_and_finish(payment: Payment, gateway, *, abandoned: bool = False) -> None:
    """Verifies the locked ``payment`` with its stored amount and records the gift when paid. ``abandoned``:
    the donor never came back, so "not paid" means expired rather than failed."""
    payment.verify_attempts += 1
    try:
        result = gateway.verify(authority=payment.authority, amount=payment.amount)
    except GatewayError:
        # Stays as it is (returned, or redirected for the task): re-verified later, never lost.
        payment.outcome_message = _("The bank did not answer the verification; it will be asked again.")
        payment.save()
        return
    if result.paid:
        _finish(payment, result)
        return
    if payment.status not in UNPAID_FINAL:
        message = {
            VerifyStatus.AMOUNT_MISMATCH: _("The amount paid does not match the gift; nothing was recorded, and "
                                            "the bank returns the money."),
            VerifyStatus.NOT_PAID: _("The bank reports no payment."),
        }.get(result.status, _("The bank refused to verify the payment."))
        if abandoned and result.status == VerifyStatus.NOT_PAID:
            _move(payment, S.EXPIRED, message=_("Abandoned at the bank; nothing was paid."), code=result.code)
        else:
            _move(payment, S.FAILED, message=message, code=result.code)
    payment.save()


def _donor_for(payment: Payment) -> Donor | None:
    """The donor with the mobile the donor typed (in the center's organisation), linked to the center; a new
    donor when there is none. None for an anonymous gift."""
    if not payment.donor_mobile:
        return None
    center = payment.center
    # reviewed: an exact mobile match inside the center's own organisation, oldest unmerged donor first, so a
    # donor who gave at another center is linked here instead of registered twice; nothing else is read.
    with scopes_disabled():
        donor = (Donor._base_manager.filter(organization_id=center.organization_id, mobile=payment.donor_mobile,
                                            merged_into__isnull=True).order_by("pk").first())
    if donor is not None:
        donor_link(center=center, donor=donor, source=DonorLink.Source.ONLINE)
        return donor
    from donors.services import donor_create

    words = payment.donor_name.split()
    first, last = (" ".join(words[:-1])[:64], words[-1][:64]) if len(words) > 1 else ("", (words or [""])[0][:64])
    if not (first or last):
        last = _("Online donor")
    try:
        return donor_create(center=center, first_name=first, last_name=last, mobile=payment.donor_mobile,
                            source=DonorLink.Source.ONLINE)
    except ValidationError:
        return None  # an unusable name must not stop the gift: it is recorded as anonymous


def _finish(payment: Payment, result: VerifyResult) -> None:
    """The bank verified the money: the confirmed contribution, its posting and its receipt, once."""
    if payment.contribution_id is None:
        donor = _donor_for(payment)
        today = timezone.localdate()
        common = {"center": payment.center, "kind": Contribution.Kind.CASH, "purpose": payment.purpose,
                  "received_on": today, "channel": Contribution.Channel.ONLINE, "donor": donor,
                  "amount": payment.amount, "external_reference": f"{payment.gateway}:{payment.authority}"[:64],
                  "note": _("Online payment %(code)s") % {"code": payment.public_id}}
        try:
            contribution = contribution_record(campaign=payment.campaign, **common)
        except ValidationError as exc:
            if payment.campaign is None or not {"campaign_period", "campaign_center"} & set(_codes(exc)):
                # The center cannot record money now (e.g. its license lapsed since the gift began): the
                # payment stays verified at the bank but unrecorded here, and is retried by the task.
                if payment.status in UNPAID_FINAL:
                    _move(payment, S.RETURNED)
                    payment.returned_at = timezone.now()
                payment.outcome_message = "; ".join(exc.messages)[:255]
                payment.ref_id = result.ref_id[:64] or payment.ref_id
                payment.save()
                return
            contribution = contribution_record(campaign=None, **common)  # the campaign ended meanwhile
        contribution_confirm(contribution=contribution)
        payment.contribution = contribution
    payment.ref_id = result.ref_id[:64] or payment.ref_id
    payment.card_pan = result.card_pan[:32] or payment.card_pan
    _move(payment, S.VERIFIED, message=_("Paid and recorded."), code=result.code)
    payment.save()


def _codes(exc: ValidationError) -> list[str]:
    return [e.code for e in exc.error_list] if hasattr(exc, "error_list") else []


# --- re-verification and expiry ----------------------------------------------------------------------------

def payments_to_recheck(*, now: datetime.datetime | None = None) -> list[tuple[int, int]]:
    """(center id, payment id) of payments left pending: returned ones after a minute (their verify did not
    get through), created and redirected ones after ``PAYMENTS_EXPIRE_MINUTES`` (the donor left, or the
    callback never came)."""
    now = now or timezone.now()
    abandoned = now - datetime.timedelta(minutes=int(conf.get("PAYMENTS_EXPIRE_MINUTES")))
    from django.db.models import Q

    # reviewed: a periodic scan over every center; it reads ids only, each payment is then handled in its
    # own center's scope.
    with scopes_disabled():
        rows = (Payment.objects.filter(Q(status=S.RETURNED, returned_at__lt=now - datetime.timedelta(minutes=1))
                                       | Q(status__in=[S.CREATED, S.REDIRECTED], created_at__lt=abandoned))
                .order_by("created_at").values_list("center_id", "pk")[:1000])
        return list(rows)


@transaction.atomic
def payment_recheck(*, payment_id: int) -> Payment | None:
    """Asks the gateway about a payment left pending (inside its center's scope): verified when the bank
    holds the money, expired when the donor abandoned it, failed when the bank refuses; unchanged when the
    bank does not answer (asked again next time)."""
    payment = (Payment.objects.select_for_update(of=("self",)).select_related("center", "merchant", "purpose")
               .filter(pk=payment_id).first())
    if payment is None or payment.status not in PENDING:
        return payment
    if payment.status == S.CREATED or not payment.authority:
        _move(payment, S.EXPIRED, message=_("Never reached the bank."), code="expired")
        payment.save()
        return payment
    try:
        gateway = gateway_for(payment.merchant, callback_url=payment.callback_url)
    except GatewayError:
        return payment
    _verify_and_finish(payment, gateway, abandoned=payment.status == S.REDIRECTED)
    return payment
