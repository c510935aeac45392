"""In-kind stock: receiving gifts, first to expire first out, no overselling (also under concurrent
distributions), reversal refused once goods were drawn on, write-offs, the ledger at value, the near-expiry
report, and the pages and API under the access rules."""

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from centers.models import BoardRole
from conftest import login
from contributions import services
from contributions.models import (
    Account,
    Contribution,
    InKindLine,
    LedgerTransaction,
    Posting,
    Purpose,
    StockItem,
    StockLot,
    StockMovement,
)
from contributions.services import GoodsLine
from contributions.services import stock as stock_services
from contributions.tasks import BEAT_SCHEDULE
from contributions.tasks.stock import perishables_scan
from contributions.tests.conftest import license_center
from core.templatetags.fa import jdate

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def give(center, purpose="food", *lines, received_on=None, user=None) -> Contribution:
    """Records and confirms an in-kind gift; each line is a GoodsLine or a (description, quantity, unit value,
    expires_on) tuple of food in kilograms (perishable when it has an expiry date)."""
    goods = []
    for line in lines:
        if not isinstance(line, GoodsLine):
            description, quantity, unit_value, expires_on = line
            line = GoodsLine(category="food", description=description, unit="kg", quantity=quantity,
                             unit_value=unit_value, perishable=expires_on is not None, expires_on=expires_on)
        goods.append(line)
    gift = services.contribution_record(center=center, kind="in_kind", purpose=purpose, goods=goods,
                                        received_on=received_on or TODAY, user=user)
    return services.contribution_confirm(contribution=gift, user=user)


def item(center, description) -> StockItem:
    return StockItem.objects.get(center=center, key=description)


def balance(center, kind, purpose=None) -> int:
    filters = {"center": center, "account__kind": kind}
    if purpose is not None:
        filters["account__purpose__code"] = purpose
    return int(Posting.objects.filter(**filters).aggregate(total=Sum("amount"))["total"] or 0)


def assert_books_agree(center):
    """The ledger holds goods exactly at the lots' remaining value, per purpose, and balances at commit."""
    lots = StockLot.objects.filter(center=center)
    for purpose in Purpose.objects.all():
        held = lots.filter(purpose=purpose).aggregate(v=Sum("value_remaining"))["v"] or 0
        assert balance(center, Account.Kind.GOODS, purpose.code) == held, purpose.code
    assert balance(center, Account.Kind.STOCK) == -(lots.aggregate(v=Sum("value_remaining"))["v"] or 0)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred ledger triggers run now


# --- Receiving ---------------------------------------------------------------------------------------------

def test_confirming_goods_opens_lots_and_posts_them_at_value(in_scope):
    gift = give(in_scope, "zakat", ("برنج  ايراني", "10", 1_000_000, None), ("خرما", "2.5", 800_000, days(20)))
    lots = list(StockLot.objects.filter(contribution=gift).order_by("pk"))
    assert [(lot.quantity_received, lot.quantity_remaining, lot.value_remaining) for lot in lots] == [
        (Decimal("10"), Decimal("10"), 10_000_000), (Decimal("2.5"), Decimal("2.5"), 2_000_000)]
    assert lots[1].perishable and lots[1].expires_on == days(20)
    assert {lot.purpose.code for lot in lots} == {"zakat"}
    # Arabic yeh and doubled spaces are normalised: the same goods land on one item.
    assert lots[0].item.description == "برنج ایرانی"
    give(in_scope, "food", ("برنج ایرانی", "1", 1_000_000, None))
    assert StockItem.objects.filter(center=in_scope, category="food").count() == 2
    tx = gift.ledger_transaction
    assert tx.reference == gift.ledger_reference
    assert sorted((p.account.kind, p.amount) for p in tx.postings.all()) == [
        ("goods", 12_000_000), ("stock", -12_000_000)]
    assert StockMovement.objects.filter(kind="receipt").count() == 3
    # Goods are not money: the money fund of the purpose is untouched.
    assert services.fund_balances(center=in_scope)["zakat"] == 0
    assert_books_agree(in_scope)


def test_confirming_twice_receives_once(in_scope):
    gift = give(in_scope, "food", ("روغن", "5", 900_000, None))
    services.contribution_confirm(contribution=gift)
    assert StockLot.objects.filter(contribution=gift).count() == 1
    with pytest.raises(ValidationError) as error:
        stock_services.stock_receive_contribution(contribution=gift)
    assert error.value.code == "already_received"


# --- First to expire, first out ------------------------------------------------------------------------------

def test_distribution_draws_first_to_expire_first_across_lots(in_scope):
    old_plain = give(in_scope, "food", ("شیر", "4", 100_000, None), received_on=days(-10))
    new_plain = give(in_scope, "food", ("شیر", "4", 100_000, None), received_on=days(-1))
    late = give(in_scope, "food", ("شیر", "4", 100_000, days(10)), received_on=days(-2))
    soon = give(in_scope, "food", ("شیر", "4", 100_000, days(3)), received_on=TODAY)
    milk = item(in_scope, "شیر")
    order = [soon, late, old_plain, new_plain]
    assert [lot.contribution_id for lot in stock_services.stock_lots(center=in_scope, item=milk)] == [
        g.pk for g in order]

    done = stock_services.stock_distribute(center=in_scope, item=milk, quantity="9.5", recipient_reference="H-12")
    remaining = {lot.contribution_id: lot.quantity_remaining for lot in StockLot.objects.filter(item=milk)}
    assert remaining == {soon.pk: 0, late.pk: 0, old_plain.pk: Decimal("2.5"), new_plain.pk: 4}
    assert [(m.lot.contribution_id, m.quantity) for m in done.movements] == [
        (soon.pk, 4), (late.pk, 4), (old_plain.pk, Decimal("1.5"))]
    assert done.quantity == Decimal("9.5") and done.value == 950_000
    assert {m.recipient_reference for m in done.movements} == {"H-12"}
    assert len({m.batch for m in done.movements}) == 1
    assert_books_agree(in_scope)


def test_partial_draws_use_a_lots_value_up_exactly(in_scope):
    give(in_scope, "food", ("عدس", "3", 1_001, None))  # worth 3,003 rials
    lentils = item(in_scope, "عدس")
    first = stock_services.stock_distribute(center=in_scope, item=lentils, quantity="1.5")
    second = stock_services.stock_distribute(center=in_scope, item=lentils, quantity="1.5")
    assert (first.value, second.value) == (1_502, 1_501)  # half up, then all that remains
    lot = StockLot.objects.get(item=lentils)
    assert (lot.quantity_remaining, lot.value_remaining) == (0, 0)
    assert_books_agree(in_scope)


def test_overselling_is_refused_and_stores_nothing(in_scope):
    give(in_scope, "food", ("نخود", "2", 500_000, None))
    give(in_scope, "food", ("نخود", "1", 500_000, days(-1)), received_on=days(-30))  # expired: not handed out
    chickpeas = item(in_scope, "نخود")
    transactions = LedgerTransaction.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        stock_services.stock_distribute(center=in_scope, item=chickpeas, quantity="2.001")
    assert error.value.code == "insufficient_stock"
    assert "2 kilogram" in error.value.messages[0]
    assert LedgerTransaction.objects.count() == transactions
    assert not StockMovement.objects.filter(kind="distribution").exists()
    assert sorted(StockLot.objects.values_list("quantity_remaining", flat=True)) == [1, 2]
    for bad in ("0", "-1", "abc", "1.0001", "NaN"):
        with pytest.raises(ValidationError) as error:
            stock_services.stock_distribute(center=in_scope, item=chickpeas, quantity=bad)
        assert error.value.code == "bad_quantity"


def test_restricted_goods_go_only_as_aid_of_their_purpose(in_scope):
    zakat = give(in_scope, "zakat", ("آرد", "5", 200_000, None), received_on=days(-5))
    give(in_scope, "general", ("آرد", "5", 200_000, None), received_on=TODAY)
    flour = item(in_scope, "آرد")
    with pytest.raises(ValidationError) as error:
        stock_services.stock_distribute(center=in_scope, item=flour, quantity="6", purpose="zakat")
    assert error.value.code == "insufficient_stock"  # general flour is not zakat flour
    done = stock_services.stock_distribute(center=in_scope, item=flour, quantity="3", purpose="general")
    assert {m.purpose.code for m in done.movements} == {"general"}
    assert StockLot.objects.get(contribution=zakat).quantity_remaining == 5
    # Without a purpose each lot goes as aid of its own purpose.
    done = stock_services.stock_distribute(center=in_scope, item=flour, quantity="6")
    assert [(m.purpose.code, m.quantity) for m in done.movements] == [("zakat", 5), ("general", 1)]
    assert sorted((p.account.kind, p.account.purpose.code if p.account.purpose else "", p.amount)
                  for p in done.ledger_transaction.postings.select_related("account__purpose")) == [
        ("goods", "general", -200_000), ("goods", "zakat", -1_000_000), ("stock", "", 1_200_000)]
    assert_books_agree(in_scope)


@hypothesis_settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lots=st.lists(st.tuples(st.decimals("0.001", "50", places=3), st.integers(1_000, 10**7),
                               st.sampled_from(["food", "zakat"]), st.one_of(st.none(), st.integers(0, 30))),
                     min_size=1, max_size=4),
       draws=st.lists(st.tuples(st.sampled_from(["distribute", "write_off"]), st.decimals("0.001", "60", places=3),
                                st.sampled_from([None, "food", "zakat"])), max_size=6))
def test_random_draws_keep_stock_and_ledger_in_step(in_scope, lots, draws):
    """Whatever is received, distributed or written off, in any order: no lot below zero or above what it
    received, the ledger holds exactly the lots' remaining value per purpose, and every transaction balances."""
    with transaction.atomic():
        for quantity, unit_value, purpose, expires_in in lots:
            give(in_scope, purpose, ("کالا", str(quantity), unit_value, days(expires_in) if expires_in else None))
        goods = item(in_scope, "کالا")
        for kind, quantity, purpose in draws:
            held = StockLot.objects.filter(item=goods, quantity_remaining__gt=0).order_by("pk").first()
            try:
                if kind == "distribute":
                    stock_services.stock_distribute(center=in_scope, item=goods, quantity=quantity, purpose=purpose)
                elif held is not None:
                    stock_services.stock_write_off(lot=held, cause="damaged", reason="آزمون", quantity=quantity)
            except ValidationError as error:
                assert error.code == "insufficient_stock"
        for lot in StockLot.objects.filter(item=goods):
            assert 0 <= lot.quantity_remaining <= lot.quantity_received
            assert 0 <= lot.value_remaining <= lot.value_received
            moved = lot.movements.exclude(kind="receipt").aggregate(q=Sum("quantity"), v=Sum("value"))
            assert lot.quantity_remaining == lot.quantity_received - (moved["q"] or 0)
            assert lot.value_remaining == lot.value_received - (moved["v"] or 0)
        assert_books_agree(in_scope)
        transaction.set_rollback(True)


# --- Reversal and write-off ---------------------------------------------------------------------------------

def test_reversing_an_untouched_gift_empties_its_lots(in_scope):
    gift = give(in_scope, "food", ("ماکارونی", "10", 300_000, None), ("رب", "4", 400_000, days(200)))
    services.contribution_reverse(contribution=gift, reason="ثبت تکراری")
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.REVERSED
    assert set(StockLot.objects.filter(contribution=gift).values_list("quantity_remaining", "value_remaining")) == {
        (0, 0)}
    assert StockMovement.objects.filter(kind="reversal").count() == 2
    reversal = LedgerTransaction.objects.get(reverses=gift.ledger_transaction)
    assert set(StockMovement.objects.filter(kind="reversal").values_list("ledger_transaction", flat=True)) == {
        reversal.pk}
    assert balance(in_scope, Account.Kind.GOODS, "food") == 0
    assert_books_agree(in_scope)


def test_reversing_a_gift_already_drawn_on_is_refused(in_scope):
    gift = give(in_scope, "food", ("ماکارونی", "10", 300_000, None))
    stock_services.stock_distribute(center=in_scope, item=item(in_scope, "ماکارونی"), quantity="1")
    with pytest.raises(ValidationError) as error:
        services.contribution_reverse(contribution=gift, reason="اشتباه")
    assert error.value.code == "stock_already_drawn"
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.CONFIRMED
    assert not LedgerTransaction.objects.filter(reverses=gift.ledger_transaction).exists()
    assert StockLot.objects.get(contribution=gift).quantity_remaining == 9
    assert_books_agree(in_scope)


def test_write_off_needs_a_reason_and_takes_the_value_out(in_scope):
    give(in_scope, "food", ("گوشت", "8", 5_000_000, days(-1)), received_on=days(-10))
    lot = StockLot.objects.get(item__key="گوشت")
    with pytest.raises(ValidationError) as error:
        stock_services.stock_write_off(lot=lot, cause="expired", reason=" ")
    assert error.value.code == "reason_required"
    with pytest.raises(ValidationError) as error:
        stock_services.stock_write_off(lot=lot, cause="stolen", reason="؟")
    assert error.value.code == "bad_cause"
    movement = stock_services.stock_write_off(lot=lot, cause="spoiled", reason="یخچال خراب شد", quantity="3")
    assert (movement.quantity, movement.value, movement.cause) == (3, 15_000_000, "spoiled")
    movement = stock_services.stock_write_off(lot=lot, cause="expired", reason="تاریخ گذشته")
    assert (movement.quantity, movement.value) == (5, 25_000_000)
    with pytest.raises(ValidationError) as error:
        stock_services.stock_write_off(lot=lot, cause="expired", reason="دوباره")
    assert error.value.code == "lot_empty"
    assert balance(in_scope, Account.Kind.GOODS, "food") == 0
    assert_books_agree(in_scope)


# --- The database's own rules -----------------------------------------------------------------------------

def test_database_refuses_a_lot_out_of_bounds_and_changed_movements(in_scope):
    give(in_scope, "food", ("قند", "2", 100_000, None))
    lot = StockLot.objects.get(item__key="قند")
    for quantity in ("-0.001", "2.001"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE contributions_stocklot SET quantity_remaining = %s WHERE id = %s",
                           [quantity, lot.pk])
    for sql in ("UPDATE contributions_stockmovement SET quantity = 1", "DELETE FROM contributions_stockmovement"):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_goods_fund_can_never_go_below_zero(in_scope):
    give(in_scope, "food", ("چای", "1", 1_000, None))
    goods = services.account_for(in_scope, Account.Kind.GOODS, "food")
    stock = services.account_for(in_scope, Account.Kind.STOCK)
    # The service refuses first; the database refuses what gets past it (raw postings).
    with pytest.raises(ValidationError) as error:
        services.transaction_post(center=in_scope, lines=[(goods, -1_001), (stock, 1_001)], occurred_on=TODAY)
    assert error.value.code == "insufficient_funds"
    with pytest.raises(IntegrityError, match="below zero"), transaction.atomic():
        tx = LedgerTransaction.objects.create(center=in_scope, occurred_on=TODAY)
        Posting.objects.bulk_create([Posting(center=in_scope, transaction=tx, account=goods, amount=-1_001),
                                     Posting(center=in_scope, transaction=tx, account=stock, amount=1_001)])
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(center=in_scope, kind=Account.Kind.GOODS, purpose=None)


def test_goods_value_cannot_be_spent_as_cash(in_scope):
    give(in_scope, "food", ("برنج", "100", 1_000_000, None))
    assert services.fund_balances(center=in_scope)["food"] == 0
    with pytest.raises(ValidationError) as error:
        services.spend(center=in_scope, purpose="food", aid_purpose="food", amount=1_000, occurred_on=TODAY)
    assert error.value.code == "insufficient_funds"
    assert balance(in_scope, Account.Kind.GOODS, "food") == 100_000_000


def test_a_center_that_cannot_operate_distributes_nothing(world):
    center = world.center()  # licensed status but no license valid today
    with scope(center=[center.pk]):
        lot_item = StockItem.objects.create(center=center, category="food", description="x", key="x", unit="kg")
        with pytest.raises(ValidationError) as error:
            stock_services.stock_distribute(center=center, item=lot_item, quantity="1")
    assert error.value.code == "center_cannot_operate"


# --- Near expiry: the list and the daily report ---------------------------------------------------------------

def test_perishables_near_expiry_are_listed_and_expired_lots_flagged(in_scope, settings):
    settings.STOCK_NEAR_EXPIRY_DAYS = 7
    give(in_scope, "food", ("ماست", "10", 100_000, days(3)), ("کره", "5", 100_000, days(7)),
         ("پنیر", "5", 100_000, days(8)), ("برنج", "5", 100_000, None))
    give(in_scope, "food", ("کشک", "2", 100_000, days(-1)), received_on=days(-20))
    near = stock_services.perishables_near_expiry(center=in_scope)
    assert [lot.item.key for lot in near] == ["ماست", "کره"]
    assert [lot.item.key for lot in stock_services.perishables_near_expiry(center=in_scope, days=8)] == [
        "ماست", "کره", "پنیر"]
    assert [lot.item.key for lot in stock_services.expired_lots(center=in_scope)] == ["کشک"]
    stock_services.stock_distribute(center=in_scope, item=item(in_scope, "ماست"), quantity="10")
    assert [lot.item.key for lot in stock_services.perishables_near_expiry(center=in_scope)] == ["کره"]


def test_daily_task_emails_the_finance_officer_and_chair(world, django_capture_on_commit_callbacks):
    center = license_center(world.center())
    quiet = license_center(world.center())
    chair = world.trustee(center, BoardRole.CHAIR)
    finance = world.trustee(center, BoardRole.FINANCE_OFFICER)
    world.trustee(center, BoardRole.VICE_CHAIR)
    world.trustee(quiet, BoardRole.CHAIR)
    with scope(center=[center.pk, quiet.pk]):
        give(center, "food", ("شیر پاکتی", "60", 180_000, days(2)))
        give(center, "food", ("کشک", "2", 100_000, days(-1)), received_on=days(-20))
        give(quiet, "food", ("برنج", "5", 100_000, None))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # each report is queued once the scan commits
        assert perishables_scan() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([chair.email, finance.email])
    assert center.name in message.subject
    assert "شیر پاکتی" in message.body and "۶۰" in message.body
    assert "کشک" in message.body  # the expired lot is flagged too
    assert "contributions.tasks.stock.perishables_scan" in {entry["task"] for entry in BEAT_SCHEDULE.values()}


# --- Concurrency -----------------------------------------------------------------------------------------------

THREADS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_distributions_never_oversell(world):
    center = license_center(world.center())
    with scope(center=[center.pk]):
        give(center, "food", ("برنج", "4", 1_000, days(30)))
        give(center, "food", ("برنج", "6", 1_000, None))
        rice_pk = item(center, "برنج").pk
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def worker():
        try:
            with scope(center=[center.pk]):
                rice = StockItem.objects.get(pk=rice_pk)
                barrier.wait(timeout=10)
                try:
                    stock_services.stock_distribute(center=center, item=rice, quantity="3")
                    outcome = "ok"
                except ValidationError as error:
                    outcome = error.code
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == THREADS
    assert results.count("ok") == 3, results
    assert results.count("insufficient_stock") == THREADS - 3
    with scope(center=[center.pk]):
        assert StockLot.objects.aggregate(q=Sum("quantity_remaining"))["q"] == 1
        assert StockMovement.objects.filter(kind="distribution").aggregate(q=Sum("quantity"))["q"] == 9
        assert balance(center, Account.Kind.GOODS, "food") == 1_000
        assert_books_agree(center)


# --- Pages -------------------------------------------------------------------------------------------------------

@pytest.fixture
def stocked(world):
    """A licensed center with a finance officer, a donor-relations officer (no MANAGE_STOCK) and goods."""
    center = license_center(world.center())
    finance = world.trustee(center, BoardRole.FINANCE_OFFICER)
    donor_officer = world.trustee(center, BoardRole.DONOR_RELATIONS_MEN)
    with scope(center=[center.pk]):
        give(center, "food", ("شیر پاکتی", "60", 180_000, days(3)), ("برنج ایرانی", "100", 1_200_000, None))
        give(center, "food", ("کشک", "2", 100_000, days(-1)), received_on=days(-20))
        milk, rice = item(center, "شیر پاکتی"), item(center, "برنج ایرانی")
        lot = StockLot.objects.get(item=milk)
    return center, finance, donor_officer, milk, rice, lot


def test_stock_page_shows_levels_and_the_distribute_now_list(client, stocked):
    center, finance, _officer, milk, _rice, _lot = stocked
    login(client, finance)
    page = client.get(reverse("contributions:stock", kwargs={"center_slug": center.slug}))
    assert page.status_code == 200
    body = page.content.decode()
    assert "شیر پاکتی" in body and "برنج ایرانی" in body
    with translation.override("fa"):
        expiry = jdate(days(3), "long")
    distribute_now = body[:body.index('id="stock-levels"')]
    assert 'id="distribute-now"' in distribute_now and "شیر پاکتی" in distribute_now
    assert expiry in distribute_now  # the Jalali expiry date, in Persian
    assert 'id="expired-lots"' in body and "کشک" in body[body.index('id="expired-lots"'):]
    item_page = client.get(reverse("contributions:stock-item", kwargs={"center_slug": center.slug,
                                                                      "item_id": milk.pk}))
    assert item_page.status_code == 200 and "۶۰" in item_page.content.decode()


def test_finance_officer_distributes_with_persian_digits(client, stocked):
    center, finance, _officer, _milk, rice, _lot = stocked
    login(client, finance)
    url = reverse("contributions:stock-distribute", kwargs={"center_slug": center.slug, "item_id": rice.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"quantity": "۱۲٫۵", "recipient_reference": "پرونده ۱۲"})
    assert response.status_code == 302
    with scope(center=[center.pk]):
        movement = StockMovement.objects.get(kind="distribution")
        assert movement.quantity == Decimal("12.5") and movement.created_by == finance
    too_much = client.post(url, {"quantity": "1000"})
    assert too_much.status_code == 200 and "form-errors" in too_much.content.decode()


def test_write_off_form(client, stocked):
    center, finance, _officer, _milk, _rice, _lot = stocked
    with scope(center=[center.pk]):
        expired = StockLot.objects.get(item__key="کشک")
    login(client, finance)
    url = reverse("contributions:stock-write-off", kwargs={"center_slug": center.slug, "lot_id": expired.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"cause": "expired", "reason": ""}).status_code == 200
    assert client.post(url, {"cause": "expired", "reason": "تاریخ مصرف گذشته"}).status_code == 302
    with scope(center=[center.pk]):
        expired.refresh_from_db()
        assert expired.quantity_remaining == 0


def test_trustee_without_stock_role_gets_403_on_post(client, stocked):
    center, _finance, officer, milk, _rice, lot = stocked
    login(client, officer)
    assert client.get(reverse("contributions:stock", kwargs={"center_slug": center.slug})).status_code == 200
    for url in (reverse("contributions:stock-distribute", kwargs={"center_slug": center.slug, "item_id": milk.pk}),
                reverse("contributions:stock-write-off", kwargs={"center_slug": center.slug, "lot_id": lot.pk})):
        assert client.post(url, {"quantity": "1", "cause": "spoiled", "reason": "x"}).status_code == 403
    with scope(center=[center.pk]):
        assert not StockMovement.objects.exclude(kind="receipt").exists()


def test_outsider_gets_404(client, world, stocked):
    center, _finance, _officer, milk, _rice, lot = stocked
    outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
    login(client, outsider)
    urls = [reverse("contributions:stock", kwargs={"center_slug": center.slug}),
            reverse("contributions:stock-item", kwargs={"center_slug": center.slug, "item_id": milk.pk}),
            reverse("contributions:stock-distribute", kwargs={"center_slug": center.slug, "item_id": milk.pk}),
            reverse("contributions:stock-write-off", kwargs={"center_slug": center.slug, "lot_id": lot.pk})]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in urls[2:]:
        assert client.post(url, {"quantity": "1", "cause": "spoiled", "reason": "x"}).status_code == 404, url
    # An item of the outsider's own center under the foreign slug, and the other way round, is a 404 too.
    own = world.trustee(center, BoardRole.CHAIR)
    login(client, own)
    assert client.get(reverse("contributions:stock-item", kwargs={"center_slug": center.slug,
                                                                  "item_id": 999_999})).status_code == 404


# --- API -----------------------------------------------------------------------------------------------------------

def _token(client, user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def test_api_lists_levels_and_distributes(client, stocked):
    center, finance, officer, milk, rice, _lot = stocked
    headers = _token(client, finance)
    items = client.get("/api/v1/stock-items/", **headers).json()["results"]
    by_id = {row["id"]: row for row in items}
    assert Decimal(by_id[rice.pk]["quantity"]) == 100 and by_id[rice.pk]["value"] == 120_000_000
    assert by_id[milk.pk]["next_expiry"] == days(3).isoformat()
    lots = client.get(f"/api/v1/stock-lots/?item={milk.pk}", **headers).json()["results"]
    assert [row["purpose"] for row in lots] == ["food"]
    response = client.post(f"/api/v1/stock-items/{rice.pk}/distribute/",
                           {"quantity": "10", "recipient_reference": "H-7"}, content_type="application/json",
                           **headers)
    assert response.status_code == 201, response.content
    assert Decimal(response.json()["quantity"]) == 10 and response.json()["value"] == 12_000_000
    movements = client.get(f"/api/v1/stock-movements/?kind=distribution&item={rice.pk}", **headers).json()
    assert movements["count"] == 1
    oversell = client.post(f"/api/v1/stock-items/{rice.pk}/distribute/", {"quantity": "91"},
                           content_type="application/json", **headers)
    assert oversell.status_code == 400
    unknown = client.post(f"/api/v1/stock-items/{rice.pk}/distribute/", {"quantity": "1", "purpose": "nope"},
                          content_type="application/json", **headers)
    assert unknown.status_code == 400
    forbidden = client.post(f"/api/v1/stock-items/{rice.pk}/distribute/", {"quantity": "1"},
                            content_type="application/json", **_token(client, officer))
    assert forbidden.status_code == 403


def test_api_hides_another_centers_stock(client, world, stocked):
    center, _finance, _officer, milk, _rice, lot = stocked
    outsider = world.trustee(license_center(world.center()), BoardRole.FINANCE_OFFICER)
    headers = _token(client, outsider)
    assert client.get("/api/v1/stock-items/", **headers).json()["count"] == 0
    assert client.get(f"/api/v1/stock-items/{milk.pk}/", **headers).status_code == 404
    assert client.get(f"/api/v1/stock-lots/{lot.pk}/", **headers).status_code == 404
    assert client.post(f"/api/v1/stock-items/{milk.pk}/distribute/", {"quantity": "1"},
                       content_type="application/json", **headers).status_code == 404


# --- Isolation walker objects -----------------------------------------------------------------------------------------

def stock_objects(center) -> dict:
    """One item, lot and movement at ``center`` made directly (the isolation walker's centers need no license):
    the URL keywords and API objects of the stock area, and a secret that must not leak."""
    tag = f"کالای‌محرمانه-{center.slug}"
    with scopes_disabled():
        purpose = Purpose.objects.get(code="food")
        gift = Contribution.objects.create(center=center, kind="in_kind", purpose=purpose, received_on=TODAY,
                                           amount=1_000)
        line = InKindLine.objects.create(center=center, contribution=gift, category="food", description=tag,
                                         unit="kg", quantity=1, unit_value=1_000)
        stock_item = StockItem.objects.create(center=center, category="food", description=tag, key=tag, unit="kg")
        lot = StockLot.objects.create(center=center, item=stock_item, line=line, contribution=gift,
                                      purpose=purpose, received_on=TODAY, quantity_received=1, quantity_remaining=1,
                                      unit_value=1_000, value_received=1_000, value_remaining=1_000)
        movement = StockMovement.objects.create(center=center, item=stock_item, lot=lot, batch=uuid.uuid4(),
                                                kind="receipt", quantity=1, value=1_000, purpose=purpose,
                                                occurred_on=TODAY)
    return {"url_kwargs": {"item_id": stock_item.pk, "lot_id": lot.pk},
            "api_objects": {"stock-item": stock_item.pk, "stock-lot": lot.pk, "stock-movement": movement.pk},
            "secret": tag}


# --- Admin ---------------------------------------------------------------------------------------------------------

def test_supervisor_reads_stock_in_the_admin_but_edits_nothing(client, world, stocked):
    center, _finance, _officer, _milk, _rice, lot = stocked
    supervisor = world.supervisor(level="province")  # Isfahan, where the test centers are
    login(client, supervisor)
    for name in ("stockitem", "stocklot", "stockmovement"):
        changelist = client.get(reverse(f"admin:contributions_{name}_changelist"))
        assert changelist.status_code == 200, name
    assert "شیر پاکتی" in client.get(reverse("admin:contributions_stocklot_changelist")).content.decode()
    change = client.get(reverse("admin:contributions_stocklot_change", args=[lot.pk]))
    assert change.status_code == 200
    assert 'name="quantity_remaining"' not in change.content.decode()  # read-only
    assert client.get(reverse("admin:contributions_stocklot_add")).status_code == 403
