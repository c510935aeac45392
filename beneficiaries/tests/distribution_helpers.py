"""Builders for the distribution tests (and the isolation walker): money in funds, goods in stock, service
gifts, and a snapshot of everything a distribution could move."""

import datetime
import uuid
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from contributions import services as gifts
from contributions.models import Account, Posting, Purpose, ServiceDetail, StockLot
from contributions.services.ledger import cash_received

TODAY = timezone.localdate()


def fund(center, purpose: str, amount: int) -> None:
    """Puts ``amount`` rials of ``purpose`` into the center's fund (money received, cash on hand)."""
    cash_received(center=center, purpose=purpose, amount=amount, occurred_on=TODAY,
                  reference=f"test-gift-{uuid.uuid4()}")


def service_gift(center, *, purpose="general", service_type="medical", measure="sessions", quantity=10,
                 value=10_000_000, received_on=None, confirm=True):
    gift = gifts.contribution_record(center=center, kind="service", purpose=purpose, amount=value,
                                     received_on=received_on or TODAY,
                                     service=gifts.ServiceGiven(service_type=service_type, measure=measure,
                                                                quantity=quantity))
    return gifts.contribution_confirm(contribution=gift) if confirm else gift


def snapshot(center) -> dict:
    """Every fund, goods and stock balance, every lot's remaining quantity and value, and the service
    capacity used: what a refused distribution must leave exactly as it was."""
    balances = dict(Posting.objects.filter(center=center).values_list("account_id")
                    .annotate(total=Sum("amount")).values_list("account_id", "total"))
    lots = {pk: (q, v) for pk, q, v in StockLot.objects.filter(center=center)
            .values_list("pk", "quantity_remaining", "value_remaining")}
    used = dict(ServiceDetail.objects.filter(center=center).values_list("pk")
                .annotate(total=Sum("uses__quantity")).values_list("pk", "total"))
    return {"balances": balances, "lots": lots, "used": used,
            "accounts": Account.objects.filter(center=center).count(), "postings": Posting.objects.filter(
                center=center).count()}


def fund_balance(center, purpose: str) -> int:
    return int(Posting.objects.filter(center=center, account__kind="fund", account__purpose__code=purpose)
               .aggregate(total=Sum("amount"))["total"] or 0)


def isolation_objects(center, user, household_id: int, *, secret: str) -> dict:
    """A distribution (service kind: it needs no ledger row) and a dowry case at ``center``, written directly
    (a fixture, no license needed), for tests/test_isolation.py."""
    from beneficiaries.models import AidDistribution, DowryCase, DowryItem, Household

    with scopes_disabled():  # reviewed: a test fixture building one center's rows
        household = Household.objects.get(pk=household_id)
        distribution = AidDistribution.objects.create(
            center=center, household=household, kind="service", purpose=Purpose.objects.get(code="health"),
            value=1_000, occurred_on=datetime.date(2025, 5, 1), note=secret, recorded_by=user,
            service_type="medical", service_measure="sessions", service_quantity=Decimal("1"))
        case = DowryCase.objects.create(center=center, household=household, member=household.head,
                                        wedding_on=TODAY, spouse_name=secret, requested_by=user)
        DowryItem.objects.create(center=center, case=case, description=secret, estimated_value=1_000)
    return {"url_kwargs": {"distribution_id": distribution.pk, "dowry_case_id": case.pk},
            "api_objects": {"aid-distribution": distribution.pk, "dowry-case": case.pk}}
