"""The province's central account (seed 001): cash collected is deposited in the province's central
participation account, and the province puts it back at the centers' disposal, general and restricted money
alike, each for its own purpose.

Design (docs/architecture.md §3b): the province is not a center and has no ledger of its own. Each center
has one ``central`` account per purpose: its share of the province's central account, an asset like its
bank (held money is a debit, so the share is ``-SUM(amount)``). The province's pool of purpose P for one
organisation is the sum of its centers' shares of P: every rial of it belongs to exactly one center's fund of
P, so the pool is double entry too and restricted money keeps its purpose through it.

- ``central_transfer``: the center sends money of purpose P from its bank (or cash) to the central account:
  bank credited, central share of P debited. The fund of P does not change: the money is still P's, held
  centrally. Refused when the fund of P does not cover everything held centrally for P.
- ``central_allocate``: a supervisor over the province allocates money of P from the pool to a center. Drawn
  from the receiving center's own share (money sent earlier coming back: its share credited, its bank
  debited), or from another center's share of P in the same province and organisation (there its share is
  credited and its fund of P debited; at the receiving center the bank is debited and the fund of P
  credited). Both legs keep the purpose; each is a balanced transaction of its own center.

The ledger's lock-and-check (``ledger._lock_funds_and_check``) keeps, for each center and purpose P:
fund(P) ≥ 0, share(P) ≥ 0 and share(P) ≤ fund(P) — money away at the province cannot be spent at the center.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from centers.models import Center, Organization, Province, SupervisorAssignment
from centers.services.lifecycle import require_center_can_operate
from contributions.models import Account, CentralAllocation, LedgerTransaction, Posting, Purpose

from .ledger import account_for, positive_amount, purpose_get, transaction_post


@transaction.atomic
def central_transfer(*, center: Center, purpose: Purpose | str, amount: int, occurred_on: datetime.date,
                     via: str = Account.Kind.BANK, reference: str = "", user=None) -> LedgerTransaction:
    """Sends money of ``purpose`` from the center's bank (or cash, ``via``) to the province's central
    account. ``reference`` (the bank's transfer number) posts once when given."""
    require_center_can_operate(center)
    positive_amount(amount)
    if via not in (Account.Kind.CASH, Account.Kind.BANK):
        raise ValidationError(_("Money is sent from the bank or cash on hand."), code="bad_via")
    purpose_obj = purpose_get(purpose)
    lines = [(account_for(center, via), amount), (account_for(center, Account.Kind.CENTRAL, purpose_obj), -amount)]
    return transaction_post(center=center, lines=lines, occurred_on=occurred_on, reference=(reference or "").strip(),
                            user=user, memo=_("Sent to the provincial central account for %(purpose)s")
                            % {"purpose": purpose_obj.name})


def is_province_supervisor(user, province: Province, organization: Organization) -> bool:
    """May ``user`` allocate from this province's pool: a supervisor of the organisation over the province
    (or over the whole country), or a national administrator."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (SupervisorAssignment.objects.filter(user=user, active=True, organization=organization)
            .filter(level=SupervisorAssignment.Level.PROVINCE, province=province).exists()
            or SupervisorAssignment.objects.filter(user=user, active=True, organization=organization,
                                                   level=SupervisorAssignment.Level.NATIONAL).exists())


@transaction.atomic
def central_allocate(*, center: Center, purpose: Purpose | str, amount: int, decision_reference: str,
                     occurred_on: datetime.date, user, source_center: Center | None = None) -> CentralAllocation:
    """Allocates ``amount`` of ``purpose`` from the province's central account to ``center``, drawn from
    ``source_center``'s share (the receiving center's own share by default). Only a supervisor over the
    province may allocate (PermissionDenied otherwise); ValidationError and nothing stored on bad input."""
    require_center_can_operate(center)
    source = source_center or center
    if source.pk != center.pk:
        require_center_can_operate(source)
    positive_amount(amount)
    purpose_obj = purpose_get(purpose)
    decision_reference = (decision_reference or "").strip()
    if not decision_reference:
        raise ValidationError(_("An allocation needs the decision or financial document that makes it."),
                              code="decision_required")
    province = center.county.province
    if source.organization_id != center.organization_id or source.county.province_id != province.pk:
        raise ValidationError(_("Money is allocated only between centers of one organisation in one province."),
                              code="other_province")
    if not is_province_supervisor(user, province, center.organization):
        raise PermissionDenied(_("Only a supervisor over the province may allocate from its central account."))
    memo_values = {"purpose": purpose_obj.name, "decision": decision_reference}
    source_tx = None
    if source.pk == center.pk:
        lines = [(account_for(center, Account.Kind.BANK), -amount),
                 (account_for(center, Account.Kind.CENTRAL, purpose_obj), amount)]
    else:
        source_tx = transaction_post(
            center=source, occurred_on=occurred_on, user=user, approval_reference=decision_reference,
            lines=[(account_for(source, Account.Kind.CENTRAL, purpose_obj), amount),
                   (account_for(source, Account.Kind.FUND, purpose_obj), -amount)],
            memo=_("Allocated from the central account to %(center)s for %(purpose)s (decision: %(decision)s)")
            % {**memo_values, "center": center.name})
        lines = [(account_for(center, Account.Kind.BANK), -amount),
                 (account_for(center, Account.Kind.FUND, purpose_obj), amount)]
    tx = transaction_post(center=center, lines=lines, occurred_on=occurred_on, user=user,
                          approval_reference=decision_reference,
                          memo=_("Allocated from the provincial central account for %(purpose)s "
                                 "(decision: %(decision)s)") % memo_values)
    return CentralAllocation.objects.create(
        center=center, source_center=source, province=province, purpose=purpose_obj, amount=amount,
        occurred_on=occurred_on, decision_reference=decision_reference[:128], approved_by=user, transaction=tx,
        source_transaction=source_tx)


# ---------------------------------------------------------------------------------------------------------------
# Selectors (reads: they work for a center that cannot operate any more)
# ---------------------------------------------------------------------------------------------------------------


def central_shares(*, center: Center) -> dict[str, int]:
    """The center's share of the provincial central account, per purpose code (only purposes with a share)."""
    rows = (Posting.objects.filter(center=center, account__kind=Account.Kind.CENTRAL)
            .values_list("account__purpose__code").annotate(total=Sum("amount")))
    return {code: -int(total) for code, total in rows if total}


def central_pool(*, province: Province, organization: Organization) -> list[dict]:
    """The province's central account for one organisation, per purpose: the total and each center's share,
    over the centers in the open scope (a supervisor over the province sees the whole pool). Purposes with
    nothing held are left out."""
    rows = (Posting.objects.filter(account__kind=Account.Kind.CENTRAL, center__county__province=province,
                                   center__organization=organization)
            .values_list("account__purpose_id", "center_id").annotate(total=Sum("amount")))
    by_purpose: dict[int, dict[int, int]] = {}
    for purpose_id, center_id, total in rows:
        if total:
            by_purpose.setdefault(purpose_id, {})[center_id] = -int(total)
    centers = {c.pk: c for c in Center.objects.filter(pk__in={cid for s in by_purpose.values() for cid in s})}
    purposes = {p.pk: p for p in Purpose.objects.filter(pk__in=by_purpose)}
    pool = []
    for purpose_id, shares in sorted(by_purpose.items(), key=lambda item: purposes[item[0]].code):
        pool.append({
            "purpose": purposes[purpose_id],
            "total": sum(shares.values()),
            "shares": sorted(((centers[cid], amount) for cid, amount in shares.items()),
                             key=lambda pair: pair[0].name),
        })
    return pool
