"""Recording many cash gifts at once: the path of imports, counted charity boxes and bank statement uploads.

``contributions_record_cash_batch`` stores what ``contribution_record_cash`` would store for each gift, one
after another (a confirmed ``Contribution``, its ``LedgerTransaction`` with reference ``contribution:<id>``
and two ``Posting``s, cash or bank per channel, the donor's ``DonorLink``, a ``Receipt`` numbered in the
center's series), with set-based SQL in one transaction:

- every gift is checked first, with the rules of ``contribution_record`` (its helpers), and one
  ``ValidationError`` names every bad gift by its index (``error_dict``: ``{index: [errors]}``); nothing is
  stored then. A bank or gateway reference already stored, or given twice in the batch, is refused (the
  second time, as it would be one after another);
- the contributions' ids are taken from their sequence first, so each ledger transaction is written with its
  final reference: a gift of the batch never posts twice, and never twice with a one-by-one confirmation;
- transactions, postings, contributions and receipts are written with ``bulk_create`` in chunks of
  ``CHUNK``; the database's triggers (balanced transactions, same center, immutability, the fund check,
  pghistory's history of every contribution) fire for each row as they do one by one;
- the center's row is locked first, as every one-by-one confirmation locks it, so the two never deadlock;
- the receipt numbers are reserved at once (``receipts._reserve_numbers``), last, so the counter row is
  locked only for the end of the transaction: the numbers continue the series without gaps, and a batch
  that fails returns them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import Center
from centers.services.lifecycle import require_center_can_operate
from contributions.models import Account, Campaign, Contribution, LedgerTransaction, Posting, Purpose, Receipt
from core.jalali import to_jalali
from donors.models import Donor, DonorLink
from reporting.rollups import mark_stale_many

from .gifts import (
    CASH_CHANNELS,
    _check_campaign,
    _check_donor,
    _check_received_on,
    _choice,
    _clean_external_reference,
    _duplicate_external_reference,
    _positive_int,
)
from .ledger import account_for, purpose_get
from .receipts import _reserve_numbers, compute_code

CHUNK = 1000  # rows per INSERT statement (well under PostgreSQL's 65,535 parameters)


@dataclass(frozen=True)
class CashGift:
    """One cash gift of a batch: the arguments of ``contribution_record_cash``."""

    purpose: Purpose | str
    amount: int
    received_on: datetime.date
    channel: str = Contribution.Channel.IN_PERSON
    donor: Donor | None = None
    campaign: Campaign | None = None
    external_reference: str = ""
    note: str = ""


@dataclass(frozen=True)
class _Checked:
    purpose: Purpose
    external_reference: str
    note: str


def contributions_check_cash_batch(*, center: Center, gifts: list[CashGift]
                                   ) -> tuple[list[_Checked | None], dict[int, list[ValidationError]]]:
    """Checks every gift, writing nothing: what each stores, and the errors by index (the first broken rule
    of a gift, in the order ``contribution_record`` checks them). The database is asked once for the stored
    references and once for the campaigns, whatever the size of the batch."""
    references = set()
    for gift in gifts:
        try:
            reference = _clean_external_reference(gift.external_reference)
        except (ValidationError, AttributeError, TypeError):
            continue
        if reference:
            references.add(reference)
    stored = set()
    if references:
        stored = set(Contribution.objects.filter(center=center, external_reference__in=references)
                     .values_list("external_reference", flat=True))
    campaign_ids = {gift.campaign.pk for gift in gifts if isinstance(gift.campaign, Campaign)}
    taking_part = set(center.campaigns.filter(pk__in=campaign_ids).values_list("pk", flat=True)) \
        if campaign_ids else set()

    checked: list[_Checked | None] = []
    errors: dict[int, list[ValidationError]] = {}
    seen: set[str] = set()
    for index, gift in enumerate(gifts):
        try:
            if not isinstance(gift, CashGift):
                raise ValidationError(_("Unknown kind of contribution."), code="bad_kind")
            _choice(gift.channel, Contribution.Channel, _("Unknown channel."), "bad_channel")
            _check_received_on(gift.received_on)
            purpose = purpose_get(gift.purpose)
            if gift.campaign is not None:
                _check_campaign(center, gift.campaign, gift.received_on,
                                takes_part=gift.campaign.pk in taking_part)
            reference = _clean_external_reference(gift.external_reference)
            if reference and (reference in stored or reference in seen):
                raise _duplicate_external_reference()
            _positive_int(gift.amount, _("The amount must be a positive whole number of rials."), "bad_amount")
            if gift.donor is not None:
                _check_donor(center, gift.donor)
        except ValidationError as error:
            errors[index] = error.error_list
            checked.append(None)
            continue
        if reference:
            seen.add(reference)
        checked.append(_Checked(purpose=purpose, external_reference=reference, note=(gift.note or "")[:255]))
    return checked, errors


def _preallocate_ids(n: int) -> list[int]:
    table = Contribution._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
                       "FROM generate_series(1, %s)", [n])
        return [row[0] for row in cursor.fetchall()]


def _lock_center(center: Center) -> None:
    """Takes the lock every one-by-one confirmation of the center takes first (``contribution_confirm`` reads
    the contribution with its center ``FOR UPDATE``), before any other: the batch and single gifts then lock
    in the same order (center, accounts, receipt counter) and never deadlock; without it, a single gift
    holding the center's row and waiting for the counter, and a batch holding the counter and needing the
    center's row for its foreign keys at commit, would."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {Center._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
                       [center.pk])


@transaction.atomic
def contributions_record_cash_batch(*, center: Center, gifts: list[CashGift], user=None) -> list[Contribution]:
    """Records and confirms every gift, all or nothing, and returns the confirmed contributions in the order
    given. ``ValidationError`` with ``error_dict`` ``{index: [errors]}`` (and nothing stored) when any gift
    is wrong."""
    require_center_can_operate(center)
    gifts = list(gifts)
    if not gifts:
        return []
    checked, errors = contributions_check_cash_batch(center=center, gifts=gifts)
    if errors:
        raise ValidationError(errors)
    _lock_center(center)

    # The accounts (a few: cash, bank and one fund per purpose), read or created once.
    accounts: dict[tuple[str, int | None], Account] = {}

    def account(kind: str, purpose: Purpose | None = None) -> Account:
        key = (kind, purpose.pk if purpose else None)
        if key not in accounts:
            accounts[key] = account_for(center, kind, purpose)
        return accounts[key]

    donor_ids = {gift.donor.pk for gift in gifts if gift.donor is not None}
    if donor_ids:
        DonorLink.objects.bulk_create(
            [DonorLink(center=center, donor_id=pk, source=DonorLink.Source.CONTRIBUTION) for pk in sorted(donor_ids)],
            ignore_conflicts=True, batch_size=CHUNK)

    ids = _preallocate_ids(len(gifts))
    references = [f"contribution:{pk}" for pk in ids]
    if LedgerTransaction.objects.filter(reference__in=references).exists():
        raise ValidationError(_("A transaction with this reference has already been posted."),
                              code="duplicate_reference")
    now = timezone.now()
    contributions: list[Contribution] = []
    for start in range(0, len(gifts), CHUNK):
        part = range(start, min(start + CHUNK, len(gifts)))
        transactions = []
        for i in part:
            gift, clean = gifts[i], checked[i]
            transactions.append(LedgerTransaction(
                center=center, occurred_on=gift.received_on, reference=references[i], created_by=user,
                memo=(_("Contribution #%(pk)s for %(purpose)s")
                      % {"pk": ids[i], "purpose": clean.purpose.name})[:255]))
        LedgerTransaction.objects.bulk_create(transactions, batch_size=CHUNK)
        postings, rows = [], []
        for offset, i in enumerate(part):
            gift, clean, tx = gifts[i], checked[i], transactions[offset]
            via = Account.Kind.CASH if gift.channel in CASH_CHANNELS else Account.Kind.BANK
            postings.append(Posting(center=center, transaction=tx, account=account(via), amount=-gift.amount))
            postings.append(Posting(center=center, transaction=tx, account=account(Account.Kind.FUND, clean.purpose),
                                    amount=gift.amount))
            rows.append(Contribution(
                pk=ids[i], center=center, donor=gift.donor, kind=Contribution.Kind.CASH, purpose=clean.purpose,
                channel=gift.channel, received_on=gift.received_on, campaign=gift.campaign, amount=gift.amount,
                external_reference=clean.external_reference, note=clean.note, recorded_by=user,
                status=Contribution.Status.CONFIRMED, confirmed_at=now, confirmed_by=user, ledger_transaction=tx))
        Posting.objects.bulk_create(postings, batch_size=2 * CHUNK)
        Contribution.objects.bulk_create(rows, batch_size=CHUNK)
        contributions.extend(rows)

    # Last: the counter row stays locked only until the commit that follows.
    year = to_jalali(timezone.localtime(now).date()).year
    numbers = _reserve_numbers(center.pk, year, len(contributions))
    receipts = [Receipt(center=center, contribution=c, jalali_year=year, number=number, issued_at=now,
                        issued_by=user,
                        verification_code=compute_code(center_id=center.pk, jalali_year=year, number=number,
                                                       contribution=c))
                for c, number in zip(contributions, numbers, strict=True)]
    Receipt.objects.bulk_create(receipts, batch_size=CHUNK)
    mark_stale_many(center.pk, [gift.received_on for gift in gifts])
    return contributions
