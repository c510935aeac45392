"""Aid distribution services: cash through the ledger (purpose rule, approval for general money, no overdraw),
goods through the stock (first to expire first out, expired never), donated service capacity never overdrawn,
one transaction for everything (a refusal leaves funds, lots and capacity exactly as before), the center's
license and a closed file, who may distribute what, reversal, and dowry cases."""

import datetime
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_scopes import scope, scopes_disabled

from beneficiaries import services
from beneficiaries.models import AidDistribution, DowryCase, ServiceCapacityUse
from beneficiaries.services import DowryItemInput, GoodsRequest
from centers.access import actor_for
from centers.models import BoardRole, Center
from contributions.models import Account, LedgerTransaction, Posting, ServiceDetail, StockMovement
from contributions.tests.test_stock import give, item

from .distribution_helpers import fund, fund_balance, service_gift, snapshot
from .helpers import national_code, person, register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HEAD_CODE = national_code(71)


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def household(center, vice_chair):
    return register(center, vice_chair, head_code=HEAD_CODE, head_first="صدیقه", head_last="امینی",
                    members=[person("نرگس", code=national_code(72), birth=(2003, 4, 4))])


@pytest.fixture
def actor(vice_chair):
    return actor_for(vice_chair, second_factor_passed=True)


@pytest.fixture
def finance(world, center):
    return actor_for(world.trustee(center, BoardRole.FINANCE_OFFICER), second_factor_passed=True)


@pytest.fixture
def opened(center):
    with scope(center=[center.pk]):
        yield center


def refused(code, call):
    with pytest.raises(ValidationError) as error:
        call()
    assert code in {e.code for e in error.value.error_list}, error.value
    return error.value


# --- Cash -------------------------------------------------------------------------------------------------

def test_cash_is_paid_from_the_fund_of_its_purpose_in_the_same_transaction(opened, household, actor):
    fund(opened, "food", 5_000_000)
    distribution = services.distribution_record_cash(actor=actor, household=household, purpose="food",
                                                     amount=2_000_000, note="سبد ماه رمضان")
    assert fund_balance(opened, "food") == 3_000_000
    tx = distribution.ledger_transaction
    assert {(p.account.kind, p.account.purpose.code, p.amount) for p in tx.postings.select_related(
        "account__purpose")} == {("fund", "food", -2_000_000), ("aid", "food", 2_000_000)}
    assert distribution.value == 2_000_000 and distribution.source_purpose.code == "food"
    assert distribution.recorded_by == actor.user


def test_restricted_purpose_mismatch_is_refused_and_nothing_moves(opened, household, actor):
    fund(opened, "zakat", 5_000_000)
    before = snapshot(opened)
    refused("restricted_purpose", lambda: services.distribution_record_cash(
        actor=actor, household=household, purpose="food", source_purpose="zakat", amount=1_000_000))
    assert snapshot(opened) == before
    assert not AidDistribution.objects.exists()


def test_general_money_needs_a_recorded_approval(opened, household, actor):
    fund(opened, "general", 5_000_000)
    before = snapshot(opened)
    refused("approval_required", lambda: services.distribution_record_cash(
        actor=actor, household=household, purpose="health", source_purpose="general", amount=1_000_000))
    assert snapshot(opened) == before
    done = services.distribution_record_cash(actor=actor, household=household, purpose="health",
                                             source_purpose="general", amount=1_000_000,
                                             approval_reference="1405/02-3")
    assert done.ledger_transaction.approval_reference == "1405/02-3"
    assert fund_balance(opened, "general") == 4_000_000


def test_overdraw_is_refused_and_the_fund_is_as_before(opened, household, actor):
    fund(opened, "food", 1_000_000)
    before = snapshot(opened)
    refused("insufficient_funds", lambda: services.distribution_record_cash(
        actor=actor, household=household, purpose="food", amount=1_000_001))
    assert snapshot(opened) == before
    assert fund_balance(opened, "food") == 1_000_000
    assert not AidDistribution.objects.exists()


@pytest.mark.parametrize("amount", [0, -5, 1.5, "100", True])
def test_a_bad_amount_is_refused(opened, household, actor, amount):
    fund(opened, "food", 1_000_000)
    refused("bad_amount", lambda: services.distribution_record_cash(actor=actor, household=household,
                                                                    purpose="food", amount=amount))


# --- Goods ------------------------------------------------------------------------------------------------

def test_goods_go_first_to_expire_first_out_and_expired_goods_never(opened, household, actor):
    give(opened, "food", ("شیر", "5", 100_000, days(-1)), received_on=days(-20))  # expired
    give(opened, "food", ("شیر", "4", 100_000, None), received_on=days(-10))
    give(opened, "food", ("شیر", "3", 100_000, days(4)), received_on=days(-2))
    milk = item(opened, "شیر")
    before = snapshot(opened)
    # 7 usable kg; the 5 expired kg are not offered even though 12 kg are on the shelf.
    refused("insufficient_stock", lambda: services.distribution_record_goods(
        actor=actor, household=household, purpose="food", goods=[GoodsRequest(milk, Decimal("8"))]))
    assert snapshot(opened) == before
    done = services.distribution_record_goods(actor=actor, household=household, purpose="food",
                                              goods=[GoodsRequest(milk, Decimal("5"))])
    drawn = {m.lot.expires_on: m.quantity for m in StockMovement.objects.filter(
        batch=done.goods.get().stock_batch).select_related("lot")}
    assert drawn == {days(4): Decimal("3"), None: Decimal("2")}  # the soonest expiry first, the expired never
    assert done.value == 500_000
    assert set(StockMovement.objects.filter(kind="distribution").values_list("recipient_reference", flat=True)) \
        == {f"household:{household.pk}"}
    expired_lot = milk.lots.get(expires_on=days(-1))
    assert expired_lot.quantity_remaining == Decimal("5")


def test_a_goods_package_is_all_or_nothing(opened, household, actor):
    give(opened, "food", ("برنج", "10", 1_000_000, None), ("روغن", "2", 900_000, None), received_on=days(-3))
    rice, oil = item(opened, "برنج"), item(opened, "روغن")
    before = snapshot(opened)
    # The rice can go, the oil cannot: nothing goes, the rice lot and the in-kind fund are as before.
    refused("insufficient_stock", lambda: services.distribution_record_goods(
        actor=actor, household=household, purpose="food",
        goods=[GoodsRequest(rice, Decimal("4")), GoodsRequest(oil, Decimal("3"))]))
    assert snapshot(opened) == before
    assert not StockMovement.objects.filter(kind="distribution").exists()
    assert not AidDistribution.objects.exists()


def test_goods_given_for_another_purpose_are_not_handed_out(opened, household, actor):
    give(opened, "zakat", ("آرد", "5", 200_000, None), received_on=days(-5))
    flour = item(opened, "آرد")
    before = snapshot(opened)
    refused("insufficient_stock", lambda: services.distribution_record_goods(
        actor=actor, household=household, purpose="food", goods=[GoodsRequest(flour, Decimal("1"))]))
    refused("restricted_purpose", lambda: services.distribution_record_goods(
        actor=actor, household=household, purpose="food", source_purpose="zakat",
        goods=[GoodsRequest(flour, Decimal("1"))]))
    assert snapshot(opened) == before


# --- Services ---------------------------------------------------------------------------------------------

def test_service_capacity_is_drawn_oldest_gift_first_and_never_overdrawn(opened, household, actor):
    old = service_gift(opened, purpose="health", quantity=4, value=4_000_000, received_on=days(-9))
    new = service_gift(opened, purpose="health", quantity=6, value=12_000_000, received_on=days(-1))
    service_gift(opened, purpose="health", quantity=50, confirm=False)  # recorded, not confirmed: not capacity
    done = services.distribution_record_service(actor=actor, household=household, purpose="health",
                                                service_type="medical", measure="sessions", quantity="7")
    uses = {u.service.contribution_id: u.quantity for u in done.service_uses.select_related("service")}
    assert uses == {old.pk: Decimal("4"), new.pk: Decimal("3")}
    assert done.value == 4_000_000 + 6_000_000
    before = snapshot(opened)
    refused("insufficient_service", lambda: services.distribution_record_service(
        actor=actor, household=household, purpose="health", service_type="medical", measure="sessions",
        quantity="3.5"))
    assert snapshot(opened) == before
    rows = services.service_capacity(center=opened)
    assert [(r.donated, r.used, r.available) for r in rows] == [(Decimal("10"), Decimal("7"), Decimal("3"))]


def test_the_database_refuses_overdrawn_capacity_even_past_the_service(opened, household, actor):
    gift = service_gift(opened, purpose="health", quantity=2)
    done = services.distribution_record_service(actor=actor, household=household, purpose="health",
                                                service_type="medical", measure="sessions", quantity="2")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceCapacityUse.objects.create(center=opened, service=gift.service, distribution=done,
                                          quantity=Decimal("0.5"))
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - append-only: pgtrigger's own error
        ServiceCapacityUse.objects.filter(distribution=done).update(quantity=Decimal("1"))


def test_general_service_gifts_need_an_approval(opened, household, actor):
    service_gift(opened, purpose="general", service_type="legal", quantity=5)
    refused("insufficient_service", lambda: services.distribution_record_service(
        actor=actor, household=household, purpose="health", service_type="legal", measure="sessions", quantity=1))
    refused("approval_required", lambda: services.distribution_record_service(
        actor=actor, household=household, purpose="health", source_purpose="general", service_type="legal",
        measure="sessions", quantity=1))
    done = services.distribution_record_service(
        actor=actor, household=household, purpose="health", source_purpose="general", service_type="legal",
        measure="sessions", quantity=1, approval_reference="1405/03-1")
    assert done.service_quantity == Decimal("1")


# --- Refusals: the center, the file, the role -------------------------------------------------------------

def test_a_center_that_cannot_operate_is_refused_with_a_clear_message(opened, household, actor):
    fund(opened, "food", 5_000_000)
    before = snapshot(opened)
    with scopes_disabled():
        Center.objects.filter(pk=opened.pk).update(status=Center.Status.SUSPENDED)
    household.center.refresh_from_db()
    error = refused("center_cannot_operate", lambda: services.distribution_record_cash(
        actor=actor, household=household, purpose="food", amount=1_000))
    assert "تعلیق" in error.messages[0]  # translated: the license is suspended
    assert snapshot(opened) == before


def test_a_closed_household_gets_nothing(opened, household, actor, vice_chair):
    fund(opened, "food", 5_000_000)
    services.household_close(actor=actor, household=household, reason="مهاجرت به شهر دیگر")
    before = snapshot(opened)
    refused("household_closed", lambda: services.distribution_record_cash(
        actor=actor, household=household, purpose="food", amount=1_000))
    assert snapshot(opened) == before


def test_an_aid_officer_distributes_only_their_own_purpose(world, opened, household):
    fund(opened, "health", 5_000_000)
    fund(opened, "food", 5_000_000)
    officer = actor_for(world.trustee(opened, BoardRole.HEALTH_OFFICER), second_factor_passed=True)
    services.distribution_record_cash(actor=officer, household=household, purpose="health", amount=1_000)
    with pytest.raises(PermissionDenied):
        services.distribution_record_cash(actor=officer, household=household, purpose="food", amount=1_000)
    donor_relations = actor_for(world.trustee(opened, BoardRole.DONOR_RELATIONS_MEN), second_factor_passed=True)
    with pytest.raises(PermissionDenied):
        services.distribution_record_cash(actor=donor_relations, household=household, purpose="health", amount=1)


def test_an_outsider_gets_404_from_the_service(world, opened, household):
    from django.http import Http404

    other = world.center()
    outsider = actor_for(world.trustee(other, BoardRole.CHAIR), second_factor_passed=True)
    with pytest.raises(Http404):
        services.distribution_record_cash(actor=outsider, household=household, purpose="food", amount=1_000)


# --- Reversal ---------------------------------------------------------------------------------------------

def test_a_cash_distribution_is_reversed_through_the_ledger(opened, household, actor, finance):
    fund(opened, "food", 5_000_000)
    done = services.distribution_record_cash(actor=actor, household=household, purpose="food", amount=2_000_000)
    with pytest.raises(PermissionDenied):  # the vice-chair records; correcting the books is finance's
        services.distribution_reverse(actor=actor, distribution=done, reason="خانوار اشتباه")
    reversed_ = services.distribution_reverse(actor=finance, distribution=done, reason="خانوار اشتباه")
    assert reversed_.status == "reversed" and reversed_.reversal_transaction.reverses_id == done.ledger_transaction_id
    assert fund_balance(opened, "food") == 5_000_000
    refused("already_reversed", lambda: services.distribution_reverse(actor=finance, distribution=done,
                                                                      reason="دوباره"))
    totals = services.distribution_totals(AidDistribution.objects.filter(center=opened))
    assert totals.count == 0 and totals.value == 0  # a reversed distribution is not aid given


def test_a_service_distribution_reversal_gives_the_capacity_back(opened, household, actor, finance):
    service_gift(opened, purpose="health", quantity=3)
    done = services.distribution_record_service(actor=actor, household=household, purpose="health",
                                                service_type="medical", measure="sessions", quantity=3)
    services.distribution_reverse(actor=finance, distribution=done, reason="نوبت لغو شد")
    assert [r.available for r in services.service_capacity(center=opened)] == [Decimal("3")]
    again = services.distribution_record_service(actor=actor, household=household, purpose="health",
                                                 service_type="medical", measure="sessions", quantity=3)
    assert again.service_quantity == Decimal("3")


def test_goods_cannot_be_reversed_and_the_refusal_says_why(opened, household, actor, finance):
    give(opened, "food", ("عدس", "3", 100_000, None), received_on=days(-1))
    done = services.distribution_record_goods(actor=actor, household=household, purpose="food",
                                              goods=[GoodsRequest(item(opened, "عدس"), Decimal("1"))])
    before = snapshot(opened)
    refused("goods_not_reversible", lambda: services.distribution_reverse(actor=finance, distribution=done,
                                                                          reason="اشتباه"))
    assert snapshot(opened) == before
    done.refresh_from_db()
    assert done.status == "recorded"


# --- Dowry ------------------------------------------------------------------------------------------------

def _case(household, actor):
    bride = household.members.exclude(pk=household.head_id).get()
    return services.dowry_case_request(
        actor=actor, household=household, member=bride, wedding_on=days(40), spouse_name="محمد رضایی",
        items=[DowryItemInput("یخچال", 350_000_000), DowryItemInput("فرش", 120_000_000)])


def test_a_dowry_case_is_requested_approved_delivered(world, opened, household, actor, finance):
    fund(opened, "dowry", 500_000_000)
    case = _case(household, actor)
    assert case.status == "requested" and case.estimated_total == 470_000_000
    refused("dowry_not_approved", lambda: services.distribution_record_cash(
        actor=actor, household=household, purpose="dowry", amount=1_000, dowry_case=case))
    with pytest.raises(PermissionDenied):  # the vice-chair does not approve spending
        services.dowry_case_approve(actor=actor, case=case)
    case = services.dowry_case_approve(actor=finance, case=case, approval_reference="1405/04-2")
    refused("nothing_delivered", lambda: services.dowry_case_deliver(actor=actor, case=case))
    refused("dowry_purpose", lambda: services.distribution_record_cash(
        actor=actor, household=household, purpose="food", amount=1_000, dowry_case=case))
    done = services.distribution_record_cash(actor=actor, household=household, purpose="dowry",
                                             amount=350_000_000, dowry_case=case)
    assert done.member == case.member  # the case's person, unless another is chosen
    case = services.dowry_case_deliver(actor=actor, case=case)
    assert case.status == "delivered"
    refused("dowry_not_approved", lambda: services.distribution_record_cash(
        actor=actor, household=household, purpose="dowry", amount=1_000, dowry_case=case))


def test_a_dowry_officer_may_open_and_deliver_but_not_approve(world, opened, household, finance):
    officer = actor_for(world.trustee(opened, BoardRole.DOWRY_MARRIAGE_OFFICER), second_factor_passed=True)
    case = _case(household, officer)
    refused("case_open", lambda: _case(household, officer))  # one open case per person
    with pytest.raises(PermissionDenied):
        services.dowry_case_approve(actor=officer, case=case)
    services.dowry_case_approve(actor=finance, case=case)
    services.dowry_case_cancel(actor=officer, case=case, reason="ازدواج منتفی شد")
    case.refresh_from_db()
    assert case.status == DowryCase.Status.CANCELLED


def test_a_dowry_case_refuses_bad_input(opened, household, actor):
    bride = household.members.exclude(pk=household.head_id).get()
    refused("no_items", lambda: services.dowry_case_request(actor=actor, household=household, member=bride,
                                                            wedding_on=days(10), items=[]))
    refused("bad_value", lambda: services.dowry_case_request(
        actor=actor, household=household, member=bride, wedding_on=days(10), items=[DowryItemInput("فرش", 0)]))
    refused("bad_wedding_date", lambda: services.dowry_case_request(
        actor=actor, household=household, member=bride, wedding_on=days(-800),
        items=[DowryItemInput("فرش", 1_000)]))
    assert not DowryCase.objects.exists()


# --- The acknowledgement ----------------------------------------------------------------------------------

def test_the_acknowledgement_is_a_persian_pdf_without_identifiers(opened, household, actor):
    give(opened, "food", ("برنج ایرانی", "10", 1_200_000, None), ("روغن مایع", "5", 950_000, days(100)),
         received_on=days(-3))
    done = services.distribution_record_goods(
        actor=actor, household=household, purpose="food", note="سبد ماهانه",
        goods=[GoodsRequest(item(opened, "برنج ایرانی"), Decimal("10")),
               GoodsRequest(item(opened, "روغن مایع"), Decimal("2"))])
    html = services.acknowledgement_html(done)
    with translation.override("fa"):
        title = gettext("Acknowledgement of aid received")  # «رسید دریافت کمک» once the catalog has it
    assert "صدیقه امینی" in html and title in html and "برنج ایرانی" in html
    assert "۱۰ کیلوگرم" in html
    assert HEAD_CODE not in html and household.address not in html
    assert "09121234567" not in html and "۰۹۱۲" not in html
    filename, content_type, pdf = services.acknowledgement_pdf(done)
    assert content_type == "application/pdf" and pdf.startswith(b"%PDF") and filename.endswith(".pdf")
    if shutil.which("pdftoppm"):
        out = Path(settings.BASE_DIR) / "test-artifacts" / "aid-acknowledgement"
        out.parent.mkdir(exist_ok=True)
        pdf_path = out.with_suffix(".pdf")
        pdf_path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf_path), str(out)],  # noqa: S603,S607
                       check=True)
        assert out.with_suffix(".png").stat().st_size > 10_000


def test_the_ledger_tables_show_the_distribution(opened, household, actor):
    fund(opened, "food", 3_000)
    done = services.distribution_record_cash(actor=actor, household=household, purpose="food", amount=3_000)
    assert LedgerTransaction.objects.filter(pk=done.ledger_transaction_id).exists()
    assert Posting.objects.filter(transaction=done.ledger_transaction, account__kind=Account.Kind.AID).exists()


# --- Concurrency ------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_service_distributions_never_overdraw_the_capacity(world):
    import threading

    from django.db import connection

    from contributions.tests.conftest import license_center

    center = license_center(world.center())
    vice_chair = world.trustee(center, BoardRole.VICE_CHAIR)
    household = register(center, vice_chair, head_code=national_code(91))
    with scope(center=[center.pk]):
        service_gift(center, purpose="health", quantity=5)
        service_gift(center, purpose="health", quantity=4)
    actor = actor_for(vice_chair, second_factor_passed=True)
    threads_n = 6
    barrier = threading.Barrier(threads_n)
    results: list[str] = []
    lock = threading.Lock()

    def worker():
        try:
            with scope(center=[center.pk]):
                barrier.wait(timeout=10)
                try:
                    services.distribution_record_service(actor=actor, household=household, purpose="health",
                                                         service_type="medical", measure="sessions", quantity=2)
                    outcome = "ok"
                except ValidationError as error:
                    outcome = error.code
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["insufficient_service"] * 2 + ["ok"] * 4, results  # 9 sessions: four of two
    with scope(center=[center.pk]):
        assert [(r.donated, r.used) for r in services.service_capacity(center=center)] == [
            (Decimal("9"), Decimal("8"))]
        per_gift = {d.quantity: d.used for d in ServiceDetail.objects.annotate(used=Sum("uses__quantity"))}
        assert all(used <= donated for donated, used in per_gift.items())
