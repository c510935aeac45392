"""A central allocation of a center, built directly (no license or supervisor needed) for the isolation walk."""

import datetime

from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled

from contributions.models import Account, CentralAllocation, LedgerTransaction, Posting, Purpose


def central_allocation(center, *, secret: str) -> CentralAllocation:
    """Money of zakat allocated back to ``center`` from its own share (bank debited, central share credited)."""
    with scopes_disabled():  # reviewed: a fixture building another center's rows
        zakat = Purpose.objects.get(code="zakat")
        bank, _ = Account.objects.get_or_create(center=center, kind=Account.Kind.BANK, purpose=None)
        central, _ = Account.objects.get_or_create(center=center, kind=Account.Kind.CENTRAL, purpose=zakat)
        tx = LedgerTransaction.objects.create(center=center, occurred_on=datetime.date(2026, 1, 5), memo=secret)
        Posting.objects.bulk_create([Posting(center=center, transaction=tx, account=bank, amount=-7_000),
                                     Posting(center=center, transaction=tx, account=central, amount=7_000)])
        user = get_user_model().objects.create_user(username=f"allocator-{center.pk}", password="x-long-password-1")
        return CentralAllocation.objects.create(
            center=center, source_center=center, province=center.county.province, purpose=zakat, amount=7_000,
            occurred_on=tx.occurred_on, decision_reference=secret, approved_by=user, transaction=tx)
