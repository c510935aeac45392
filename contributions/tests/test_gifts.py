"""Recording, confirming and reversing contributions of each kind."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from contributions import services
from contributions.models import Account, Contribution, LedgerTransaction
from contributions.services import ConstructionGiven, ServiceGiven
from contributions.tests.conftest import license_center
from donors.models import Donor, DonorLink

TODAY = datetime.date.today()


@pytest.fixture
def donor(world):
    with scopes_disabled():
        return Donor.objects.create(organization=world.relief, first_name="مریم", last_name="احمدی",
                                    national_code="0499370899", mobile="09121234567")


def test_cash_gift_posts_once_on_confirm_and_reverses(in_scope, donor, world):
    user = world.user()
    gift = services.contribution_record(center=in_scope, kind="cash", purpose="zakat", amount=250_000,
                                        received_on=TODAY, donor=donor, user=user)
    assert gift.status == Contribution.Status.RECORDED
    assert services.fund_balances(center=in_scope)["zakat"] == 0
    services.contribution_confirm(contribution=gift, user=user)
    services.contribution_confirm(contribution=gift, user=user)  # twice: still posted once
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.CONFIRMED
    assert LedgerTransaction.objects.filter(reference=gift.ledger_reference).count() == 1
    assert services.fund_balances(center=in_scope)["zakat"] == 250_000
    cash = services.account_for(in_scope, Account.Kind.CASH)
    assert [p.amount for p in cash.postings.all()] == [-250_000]

    services.contribution_reverse(contribution=gift, reason="ثبت اشتباه", user=user)
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.REVERSED
    assert services.fund_balances(center=in_scope)["zakat"] == 0
    assert LedgerTransaction.objects.get(reverses=gift.ledger_transaction)
    with pytest.raises(ValidationError):
        services.contribution_confirm(contribution=gift)
    with pytest.raises(ValidationError):
        services.contribution_reverse(contribution=gift, reason="دوباره")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_bank_channels_post_to_the_bank(in_scope):
    gift = services.contribution_record_cash(center=in_scope, purpose="general", amount=9_000,
                                             received_on=TODAY, channel="bank_transfer",
                                             external_reference="TRK-1")
    bank = services.account_for(in_scope, Account.Kind.BANK)
    assert gift.ledger_transaction.postings.get(account=bank).amount == -9_000
    with pytest.raises(ValidationError) as error:
        services.contribution_record_cash(center=in_scope, purpose="general", amount=9_000, received_on=TODAY,
                                          channel="bank_transfer", external_reference="TRK-1")
    assert error.value.code == "duplicate_external_reference"


def test_reversing_spent_money_is_refused(in_scope):
    gift = services.contribution_record_cash(center=in_scope, purpose="dowry", amount=1_000, received_on=TODAY)
    services.spend(center=in_scope, purpose="dowry", aid_purpose="dowry", amount=600, occurred_on=TODAY)
    with pytest.raises(ValidationError):
        services.contribution_reverse(contribution=gift, reason="اشتباه")
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.CONFIRMED


def test_recorded_gift_reversed_without_posting(in_scope):
    gift = services.contribution_record(center=in_scope, kind="cash", purpose="zakat", amount=5,
                                        received_on=TODAY)
    services.contribution_reverse(contribution=gift, reason="تکراری")
    assert LedgerTransaction.objects.count() == 0


def test_service_and_construction_gifts_post_nothing(in_scope, donor):
    service = services.contribution_record(
        center=in_scope, kind="service", purpose="health", amount=3_000_000, received_on=TODAY, donor=donor,
        service=ServiceGiven(service_type="medical", quantity="4.5", measure="sessions"))
    built = services.contribution_record(
        center=in_scope, kind="construction", purpose="housing", amount=900_000_000, received_on=TODAY,
        donor=donor, construction=ConstructionGiven(form="donor_built", facility_type="school",
                                                    facility_name="دبستان امید"))
    for gift in (service, built):
        services.contribution_confirm(contribution=gift)
        gift.refresh_from_db()
        assert gift.status == Contribution.Status.CONFIRMED and gift.ledger_transaction is None
    assert service.service.quantity == 4.5
    assert built.construction.facility_name == "دبستان امید"


@pytest.mark.parametrize("kwargs, code", [
    ({"kind": "cash", "amount": 0}, "bad_amount"),
    ({"kind": "cash", "amount": -5}, "bad_amount"),
    ({"kind": "cash", "amount": 1.5}, "bad_amount"),
    ({"kind": "gold", "amount": 5}, "bad_kind"),
    ({"kind": "cash", "amount": 5, "channel": "pigeon"}, "bad_channel"),
    ({"kind": "cash", "amount": 5, "purpose": "nope"}, "unknown_purpose"),
    ({"kind": "cash", "amount": 5, "received_on": TODAY + datetime.timedelta(days=2)}, "future_date"),
    ({"kind": "in_kind"}, "no_goods"),
    ({"kind": "service", "amount": 5}, "service_detail"),
    ({"kind": "construction", "amount": 5}, "construction_detail"),
])
def test_bad_input_is_refused_and_stores_nothing(in_scope, kwargs, code):
    arguments = {"center": in_scope, "purpose": "zakat", "received_on": TODAY, **kwargs}
    with pytest.raises(ValidationError) as error:
        services.contribution_record(**arguments)
    assert error.value.code == code
    assert Contribution.objects.count() == 0


def test_a_center_sees_only_its_donors(world, donor):
    mine, other = license_center(world.center()), license_center(world.center())
    with scope(center=[mine.pk]):
        services.contribution_record_cash(center=mine, purpose="zakat", amount=10, received_on=TODAY,
                                          donor=donor)
        assert list(Donor.objects.all()) == [donor]
    with scope(center=[other.pk]):
        assert Donor.objects.count() == 0
    with scope(center=[mine.pk, other.pk]):
        assert Donor.objects.count() == 1
    with pytest.raises(ScopeError):
        Donor.objects.count()
    with scope(center=[mine.pk]):
        assert DonorLink.objects.get().source == DonorLink.Source.CONTRIBUTION


def test_unlicensed_center_records_nothing(world):
    center = world.center(status="applied")
    with scope(center=[center.pk]), pytest.raises(ValidationError):
        services.contribution_record_cash(center=center, purpose="zakat", amount=10, received_on=TODAY)
