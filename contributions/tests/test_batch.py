"""Recording cash gifts in batches: the batch posts exactly what one gift after another posts, all or nothing,
refuses what the one-by-one path refuses (naming each bad gift by its index), and keeps the receipt series
gapless beside concurrent single gifts."""

import datetime
import threading

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_scopes import scope, scopes_disabled

from contributions import services
from contributions.models import (
    Account,
    Campaign,
    Contribution,
    LedgerTransaction,
    Posting,
    Receipt,
)
from contributions.services import CashGift
from contributions.services.receipts import compute_code
from contributions.tests.conftest import license_center
from donors.models import Donor, DonorLink

TODAY = timezone.localdate()
ContributionEvent = apps.get_model("contributions", "ContributionEvent")


def _immediate():
    """The deferred triggers (balanced transactions, funds not below zero) run now, not at a commit the test
    never reaches; deferred again afterwards, since a transaction is written before its postings."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def donor(world):
    with scopes_disabled():
        return Donor.objects.create(organization=world.relief, first_name="مریم", last_name="احمدی",
                                    national_code="0499370899", mobile="09121234567")


def _postings(center, contribution):
    return sorted((p.account.kind, p.account.purpose_id, p.amount)
                  for p in Posting.objects.filter(center=center, transaction_id=contribution.ledger_transaction_id)
                  .select_related("account"))


def test_batch_posts_like_one_gift_after_another(world, donor):
    one = license_center(world.center())
    many = license_center(world.center())
    user = world.user()
    specs = [dict(purpose="zakat", amount=250_000, channel="in_person", donor=donor),
             dict(purpose="general", amount=90_000, channel="bank_transfer", external_reference="TRK-9"),
             dict(purpose="sadaqah", amount=12_000, channel="charity_box", note="صندوق شماره ۳"),
             dict(purpose="zakat", amount=40_000, channel="online", external_reference="GW-1")]
    with scope(center=[one.pk]):
        singles = [services.contribution_record_cash(center=one, received_on=TODAY, user=user, **s) for s in specs]
        _immediate()
    with scope(center=[many.pk]):
        # The batch continues a series the one-by-one path started.
        first = services.contribution_record_cash(center=many, purpose="general", amount=1_000, received_on=TODAY)
        batch = services.contributions_record_cash_batch(
            center=many, gifts=[CashGift(received_on=TODAY, **s) for s in specs], user=user)
        _immediate()
        assert [c.pk for c in batch] == sorted(c.pk for c in batch) and first.pk < batch[0].pk
        for single, gift in zip(singles, batch, strict=True):
            gift = Contribution.objects.get(pk=gift.pk)
            for field in ("kind", "amount", "channel", "received_on", "purpose_id", "donor_id", "status",
                          "external_reference", "note", "recorded_by_id", "confirmed_by_id"):
                assert getattr(gift, field) == getattr(single, field), field
            assert gift.confirmed_at is not None
            tx = gift.ledger_transaction
            assert tx.reference == f"contribution:{gift.pk}" == gift.ledger_reference
            assert tx.occurred_on == TODAY and tx.created_by == user
            assert tx.memo == gettext("Contribution #%(pk)s for %(purpose)s") % {"pk": gift.pk,
                                                                                  "purpose": gift.purpose.name}
            with scope(center=[one.pk]):
                expected = _postings(one, single)
            assert _postings(many, gift) == expected
            # pghistory recorded the contribution as it was inserted (confirmed, with its transaction).
            event = ContributionEvent.objects.get(pgh_obj_id=gift.pk)
            assert event.pgh_label == "insert" and event.status == "confirmed"
            assert event.ledger_transaction_id == tx.pk
        with scope(center=[one.pk]):
            balances_one = services.fund_balances(center=one)
            cash_one = sum(services.account_for(one, Account.Kind.CASH).postings.values_list("amount", flat=True))
            bank_one = sum(services.account_for(one, Account.Kind.BANK).postings.values_list("amount", flat=True))
        balances = services.fund_balances(center=many)
        assert balances == {**balances_one, "general": balances_one["general"] + 1_000}
        assert sum(services.account_for(many, Account.Kind.CASH).postings.values_list("amount", flat=True)) \
            == cash_one - 1_000
        assert sum(services.account_for(many, Account.Kind.BANK).postings.values_list("amount", flat=True)) \
            == bank_one
        receipts = list(Receipt.objects.filter(center=many).order_by("number"))
        assert [r.number for r in receipts] == [1, 2, 3, 4, 5]
        assert [r.contribution_id for r in receipts] == [first.pk, *(c.pk for c in batch)]
        for receipt in receipts[1:]:
            assert receipt.verification_code == compute_code(
                center_id=many.pk, jalali_year=receipt.jalali_year, number=receipt.number,
                contribution=receipt.contribution)
            assert services.receipts.receipt_verify(receipt.verification_code).pk == receipt.pk
        # The donor became visible to the center, and the one-by-one path numbers on after the batch.
        assert DonorLink.objects.filter(center=many, donor=donor).count() == 1
        after = services.contribution_record_cash(center=many, purpose="general", amount=1_000, received_on=TODAY)
        assert after.receipt.number == 6
        # Confirming a batch gift again posts nothing twice.
        services.contribution_confirm(contribution=batch[0])
        assert LedgerTransaction.objects.filter(reference=batch[0].ledger_reference).count() == 1
        # A batch gift reverses like any other.
        services.contribution_reverse(contribution=batch[0], reason="ثبت اشتباه")
        _immediate()
        assert services.fund_balances(center=many)["zakat"] == balances["zakat"] - 250_000


def test_large_batch_is_chunked_in_one_transaction(in_scope, monkeypatch):
    from contributions.services import batch as batch_module

    monkeypatch.setattr(batch_module, "CHUNK", 7)
    gifts = [CashGift(purpose=("zakat", "general")[i % 2], amount=1_000 + i, received_on=TODAY,
                      channel=("in_person", "bank_transfer")[i % 2]) for i in range(30)]
    stored = services.contributions_record_cash_batch(center=in_scope, gifts=gifts)
    _immediate()
    assert len(stored) == 30 == Contribution.objects.filter(center=in_scope).count()
    assert Posting.objects.filter(center=in_scope).count() == 60
    assert sorted(Receipt.objects.values_list("number", flat=True)) == list(range(1, 31))
    assert services.fund_balances(center=in_scope)["zakat"] == sum(1_000 + i for i in range(0, 30, 2))
    assert ContributionEvent.objects.filter(pgh_obj_id__in=[c.pk for c in stored]).count() == 30
    assert services.contributions_record_cash_batch(center=in_scope, gifts=[]) == []


def _nothing_stored(center):
    assert not Contribution.objects.filter(center=center).exists()
    assert not LedgerTransaction.objects.filter(center=center).exists()
    assert not Receipt.objects.filter(center=center).exists()
    assert not DonorLink.objects.filter(center=center).exists()


def test_one_bad_gift_stores_nothing_and_is_named_by_index(in_scope, donor):
    gifts = [CashGift(purpose="zakat", amount=1_000, received_on=TODAY, donor=donor),
             CashGift(purpose="zakat", amount=0, received_on=TODAY),
             CashGift(purpose="general", amount=5_000, received_on=TODAY),
             CashGift(purpose="no-such-purpose", amount=5_000, received_on=TODAY),
             CashGift(purpose="general", amount=5_000, received_on=TODAY + datetime.timedelta(days=1)),
             CashGift(purpose="general", amount=5_000, received_on=TODAY, channel="pigeon"),
             CashGift(purpose="general", amount=5_000, received_on=TODAY, external_reference="X" * 65)]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.contributions_record_cash_batch(center=in_scope, gifts=gifts)
    errors = error.value.error_dict
    assert sorted(errors) == [1, 3, 4, 5, 6]
    assert [e.code for e in errors[1]] == ["bad_amount"]
    assert [e.code for e in errors[3]] == ["unknown_purpose"]
    assert [e.code for e in errors[4]] == ["future_date"]
    assert [e.code for e in errors[5]] == ["bad_channel"]
    assert [e.code for e in errors[6]] == ["bad_external_reference"]
    assert "The amount must be a positive whole number of rials." in error.value.message_dict[1]
    _nothing_stored(in_scope)
    from contributions.models import ReceiptCounter

    assert not ReceiptCounter.objects.filter(center=in_scope).exists()


def test_the_rules_of_the_one_by_one_path(world, in_scope, donor):
    with scopes_disabled():
        other = Donor.objects.create(organization=_other_org(), first_name="علی", last_name="رضایی",
                                     national_code="0012345679")
        campaign = Campaign.objects.create(organization=world.relief, occasion="ramadan", name="رمضان",
                                           starts_on=TODAY - datetime.timedelta(days=5), ends_on=TODAY)
        elsewhere = Campaign.objects.create(organization=world.relief, occasion="nowruz", name="نوروز",
                                            starts_on=TODAY - datetime.timedelta(days=5), ends_on=TODAY)
        campaign.centers.add(in_scope)
    gifts = [CashGift(purpose="zakat", amount=1_000, received_on=TODAY, donor=other),
             CashGift(purpose="zakat", amount=1_000, received_on=TODAY, campaign=elsewhere),
             CashGift(purpose="zakat", amount=1_000, received_on=TODAY - datetime.timedelta(days=9),
                      campaign=campaign),
             CashGift(purpose="zakat", amount=1_000, received_on=TODAY, campaign=campaign, donor=donor)]
    with pytest.raises(ValidationError) as error:
        services.contributions_record_cash_batch(center=in_scope, gifts=gifts)
    assert {i: [e.code for e in errs] for i, errs in error.value.error_dict.items()} == {
        0: ["donor_organization"], 1: ["campaign_center"], 2: ["campaign_period"]}
    _nothing_stored(in_scope)
    stored = services.contributions_record_cash_batch(center=in_scope, gifts=gifts[3:])
    assert stored[0].campaign == campaign


def _other_org():
    from centers.models import Organization

    return Organization.objects.get(code=Organization.Code.WELFARE)


def test_duplicate_references_in_the_batch_and_stored_are_refused(in_scope):
    services.contribution_record_cash(center=in_scope, purpose="general", amount=1_000, received_on=TODAY,
                                      channel="bank_transfer", external_reference="TRK-1")
    gifts = [CashGift(purpose="zakat", amount=1_000, received_on=TODAY, external_reference="TRK-2"),
             CashGift(purpose="zakat", amount=2_000, received_on=TODAY, external_reference=" TRK-2 "),
             CashGift(purpose="zakat", amount=3_000, received_on=TODAY, external_reference="TRK-1"),
             CashGift(purpose="zakat", amount=4_000, received_on=TODAY, external_reference="TRK-3")]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.contributions_record_cash_batch(center=in_scope, gifts=gifts)
    assert {i: [e.code for e in errs] for i, errs in error.value.error_dict.items()} == {
        1: ["duplicate_external_reference"], 2: ["duplicate_external_reference"]}
    assert Contribution.objects.filter(center=in_scope).count() == 1
    assert Receipt.objects.filter(center=in_scope).count() == 1


def test_a_center_that_cannot_operate_records_nothing(world):
    center = world.center()  # no license
    with scope(center=[center.pk]), pytest.raises(ValidationError) as error:
        services.contributions_record_cash_batch(
            center=center, gifts=[CashGift(purpose="zakat", amount=1_000, received_on=TODAY)])
    assert error.value.code == "center_cannot_operate"
    with scope(center=[center.pk]):
        _nothing_stored(center)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_batches_and_single_gifts_number_without_gaps(world):
    """Two threads record batches while two others record single gifts at the same center; one batch rolls
    back on purpose. The committed receipts are numbered 1..n, each once, and match the committed gifts."""
    center = license_center(world.center())
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def batches(rollback: bool):
        try:
            with scope(center=[center.pk]):
                barrier.wait(timeout=20)
                for round_ in range(3):
                    gifts = [CashGift(purpose="zakat", amount=1_000 + i, received_on=TODAY) for i in range(25)]
                    if rollback and round_ == 1:
                        gifts.append(CashGift(purpose="zakat", amount=-5, received_on=TODAY))
                        with pytest.raises(ValidationError):
                            services.contributions_record_cash_batch(center=center, gifts=gifts)
                    else:
                        services.contributions_record_cash_batch(center=center, gifts=gifts)
        except BaseException as exc:  # noqa: BLE001 - reported below, never lost in a thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    def singles():
        try:
            with scope(center=[center.pk]):
                barrier.wait(timeout=20)
                for i in range(10):
                    services.contribution_record_cash(center=center, purpose="general", amount=500 + i,
                                                      received_on=TODAY)
        except BaseException as exc:  # noqa: BLE001
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=batches, args=(False,)), threading.Thread(target=batches, args=(True,)),
               threading.Thread(target=singles), threading.Thread(target=singles)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, [str(e).replace("\n", " | ")[:2000] for e in errors]
    with scope(center=[center.pk]):
        count = Contribution.objects.filter(center=center).count()
        assert count == 3 * 25 + 2 * 25 + 2 * 10
        numbers = sorted(Receipt.objects.filter(center=center).values_list("number", flat=True))
        assert numbers == list(range(1, count + 1))
        assert set(Receipt.objects.values_list("contribution_id", flat=True)) == \
            set(Contribution.objects.filter(center=center).values_list("pk", flat=True))
        assert services.fund_balances(center=center)["zakat"] == 5 * sum(1_000 + i for i in range(25))


def _workbook(rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from donors.importing import workbook

    headers = ["تاریخ", "مبلغ (ریال)", "نیت", "کانال", "کد ملی خیر", "موبایل خیر", "شماره پیگیری"]
    return SimpleUploadedFile("gifts.xlsx", workbook("gifts", headers, rows))


def test_the_import_stores_through_the_batch_and_names_rows_it_refuses(in_scope):
    from contributions.services.importing import contributions_import
    from core.jalali import format_jalali

    day = format_jalali(TODAY, persian_digits=False)
    services.contribution_record_cash(center=in_scope, purpose="general", amount=1_000, received_on=TODAY,
                                      channel="bank_transfer", external_reference="TRK-1")
    with translation.override("en"):
        result = contributions_import(center=in_scope, upload=_workbook([
            [day, 5_000, "zakat", "حضوری", None, None, None],
            [day, 6_000, "zakat", "واریز بانکی", None, None, "TRK-1"],   # row 3: stored already
            [day, -1, "zakat", None, None, None, None],                  # row 4: refused while reading
        ]))
    assert [(row.number, row.errors) for row in result.bad_rows] == [
        (3, ["A contribution with this bank or gateway reference is already recorded."]),
        (4, ["The amount must be a positive whole number of rials."])]
    assert Contribution.objects.filter(center=in_scope).count() == 1 and not result.counts

    result = contributions_import(center=in_scope, upload=_workbook([
        [day, 5_000, "zakat", "حضوری", None, None, None],
        [day, 6_000, "zakat", "واریز بانکی", None, None, "TRK-2"],
    ]))
    assert result.ok and result.counts == {"stored": 2, "total": 11_000}
    _immediate()
    assert sorted(Receipt.objects.filter(center=in_scope).values_list("number", flat=True)) == [1, 2, 3]
    assert services.fund_balances(center=in_scope)["zakat"] == 11_000
