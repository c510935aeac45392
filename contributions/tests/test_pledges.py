"""Pledges: Jalali schedules, matching payments to instalments, pause / resume / cancel, the daily overdue task,
and the trustee pages and API under the access rules."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from centers.models import BoardRole
from conftest import login
from contributions import services
from contributions.models import (
    Contribution,
    LedgerTransaction,
    Pledge,
    PledgeInstalment,
    PledgePayment,
    PledgeReminder,
)
from contributions.services import pledges as pledge_services
from contributions.services.pledges import PledgeGoods
from contributions.tasks.pledges import pledge_overdue_scan, remind_overdue_pledges
from contributions.tests.conftest import license_center
from core.jalali import format_jalali, from_jalali, to_jalali
from donors.models import Donor, DonorLink

TODAY = timezone.localdate()
J = to_jalali(TODAY)


def _months_ago(n: int) -> tuple[int, int]:
    index = J.year * 12 + J.month - 1 - n
    return index // 12, index % 12 + 1


@pytest.fixture
def donor(world):
    with scopes_disabled():
        return Donor.objects.create(organization=world.relief, first_name="زهرا", last_name="کریمی",
                                    national_code="0499370899", mobile="09121234567", email="zahra@example.org",
                                    contact_by_email=True, consent_at=timezone.now())


def _monthly(center, donor, *, count=3, amount=1_000_000, start=None, day=10, **extra):
    year, month = start or _months_ago(0)
    return pledge_services.pledge_create(center=center, donor=donor, kind="monthly", amount=amount,
                                         start_year=year, start_month=month, due_day=day, purpose="zakat",
                                         instalment_count=count, **extra)


def _statuses(pledge):
    return [(i.status, i.amount_paid) for i in pledge_services.pledge_schedule(pledge)]


# --- The schedule ------------------------------------------------------------------------------------------

def test_monthly_schedule_keeps_the_jalali_day_clamped_to_each_months_length(in_scope, donor):
    pledge = pledge_services.pledge_create(
        center=in_scope, donor=donor, kind="monthly", amount=500_000, start_year=1405, start_month=6,
        due_day=31, purpose="zakat", instalment_count=8, today=from_jalali(1405, 5, 1))
    dates = [format_jalali(i.due_on, persian_digits=False) for i in pledge_services.pledge_schedule(pledge)]
    # 31 Shahrivar, then 30 in Mehr..Bahman, then 29 Esfand (1405 is not a leap year), then 31 Farvardin.
    assert dates == ["1405/06/31", "1405/07/30", "1405/08/30", "1405/09/30", "1405/10/30", "1405/11/30",
                     "1405/12/29", "1406/01/31"]
    assert [i.sequence for i in pledge.instalments.all()] == list(range(1, 9))
    assert {i.amount_due for i in pledge.instalments.all()} == {500_000}
    assert DonorLink.objects.get(center=in_scope, donor=donor).source == DonorLink.Source.PLEDGE


def test_leap_esfand_keeps_the_thirtieth(in_scope, donor):
    pledge = pledge_services.pledge_create(
        center=in_scope, donor=donor, kind="monthly", amount=1, start_year=1403, start_month=12, due_day=30,
        purpose="general", instalment_count=2, today=from_jalali(1403, 11, 1))
    assert [format_jalali(i.due_on, persian_digits=False) for i in pledge.instalments.all()] == [
        "1403/12/30", "1404/01/30"]


def test_one_off_pledge_has_one_instalment_on_its_day(in_scope, donor):
    pledge = pledge_services.pledge_create(center=in_scope, donor=donor, kind="one_off", amount=90_000_000,
                                           start_year=J.year, start_month=J.month, due_day=1, purpose="dowry")
    assert pledge.instalment_count == 1
    assert [i.due_on for i in pledge.instalments.all()] == [from_jalali(J.year, J.month, 1)]


def test_open_ended_pledge_is_written_through_next_month_and_extended_daily(in_scope, donor):
    year, month = _months_ago(2)
    pledge = pledge_services.pledge_create(center=in_scope, donor=donor, kind="monthly", amount=100,
                                           start_year=year, start_month=month, due_day=5, purpose="sadaqah")
    assert pledge.open_ended
    assert pledge.instalments.count() == 4  # two months ago, last month, this month, next month
    later = TODAY + datetime.timedelta(days=40)
    pledge_services.pledge_mark_overdue_and_remind(center=in_scope, today=later)
    assert pledge.instalments.count() in (5, 6)
    assert pledge.instalments.order_by("-sequence").first().due_on <= pledge_services._schedule_horizon(later)


def test_sponsorship_pledge_shows_the_donor_no_free_text(in_scope, donor):
    """The sponsored orphan or family is a beneficiaries.Sponsorship now; the legacy free-text columns never
    reach the donor (beneficiaries/tests/test_sponsorships.py tests the anonymised profile)."""
    pledge = pledge_services.pledge_create(
        center=in_scope, donor=donor, kind="monthly", amount=3_000_000, start_year=J.year, start_month=J.month,
        due_day=1, target="orphan_sponsorship", sponsorship_reference="BEN-1234",
        sponsorship_profile="دختر نه‌ساله، پایه سوم دبستان")
    assert pledge.purpose.code == "orphan_sponsorship"
    view = pledge.donor_view()
    assert view["sponsored"] == ""  # not linked to a household yet
    assert "BEN-1234" not in str(view) and "نه‌ساله" not in str(view)


@given(year=st.integers(1300, 1500), month=st.integers(1, 12), day=st.integers(1, 31), index=st.integers(0, 130))
def test_every_due_date_is_the_same_jalali_day_clamped_in_consecutive_months(year, month, day, index):
    from contributions.models import instalment_due_date
    from core.jalali import days_in_month

    due = to_jalali(instalment_due_date(year, month, day, index))
    months = year * 12 + month - 1 + index
    assert (due.year, due.month) == (months // 12, months % 12 + 1)
    assert due.day == min(day, days_in_month(due.year, due.month))

# --- Bad input ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "code"), [
    ({"donor": None}, "donor_required"),
    ({"kind": "weekly"}, "bad_kind"),
    ({"amount": 0}, "bad_amount"),
    ({"amount": -5}, "bad_amount"),
    ({"amount": 10.5}, "bad_amount"),
    ({"amount": True}, "bad_amount"),
    ({"start_month": 13}, "bad_start"),
    ({"start_year": J.year + 5}, "bad_start"),
    ({"due_day": 32}, "bad_due_day"),
    ({"instalment_count": 0}, "bad_instalment_count"),
    ({"instalment_count": 500}, "bad_instalment_count"),
    ({"purpose": None}, "purpose_required"),
    ({"purpose": "nonsense"}, "unknown_purpose"),
    ({"target": "orphan_sponsorship", "purpose": "zakat"}, "sponsorship_purpose"),
    ({"sponsorship_reference": "BEN-1"}, "not_sponsorship"),
    ({"goods": PledgeGoods(description="", unit="kg", quantity=1)}, "no_description"),
    ({"goods": PledgeGoods(description="برنج", unit="tonne", quantity=1)}, "bad_unit"),
    ({"goods": PledgeGoods(description="برنج", unit="kg", quantity="-1")}, "bad_quantity"),
    ({"goods": PledgeGoods(description="برنج", unit="kg", quantity="abc")}, "bad_quantity"),
])
def test_bad_input_is_refused_and_nothing_is_stored(in_scope, donor, change, code):
    args = {"center": in_scope, "donor": donor, "kind": "monthly", "amount": 1_000, "start_year": J.year,
            "start_month": J.month, "due_day": 10, "purpose": "zakat", "instalment_count": 3, **change}
    with translation.override("en"), pytest.raises(ValidationError) as error:
        pledge_services.pledge_create(**args)
    assert error.value.code == code
    assert Pledge.objects.count() == 0
    assert PledgeInstalment.objects.count() == 0
    assert not DonorLink.objects.filter(donor=donor).exists()


def test_a_center_that_may_not_operate_takes_no_pledge(world, donor):
    center = world.center()  # licensed status but no valid license row
    with scope(center=[center.pk]), pytest.raises(ValidationError) as error:
        _monthly(center, donor)
    assert error.value.code == "center_cannot_operate"


def test_donor_of_another_organisation_is_refused(in_scope, world):
    with scopes_disabled():
        stranger = Donor.objects.create(organization=world.welfare, first_name="علی", last_name="نوری")
    with pytest.raises(ValidationError):
        _monthly(in_scope, stranger)
    assert Pledge.objects.count() == 0


# --- Matching payments ----------------------------------------------------------------------------------------

def test_payments_match_the_oldest_open_instalment_first_including_partial(in_scope, donor):
    pledge = _monthly(in_scope, donor, count=3, amount=1_000_000, start=_months_ago(1), day=1)
    first = pledge_services.pledge_record_payment(pledge=pledge, amount=400_000, received_on=TODAY)
    assert first.status == Contribution.Status.CONFIRMED and first.donor == donor
    assert first.purpose.code == "zakat"
    assert _statuses(pledge) == [("overdue", 400_000), ("due", 0), ("due", 0)]  # its day passed last month
    # 1,100,000 more: 600,000 closes the first, 500,000 is carried to the second.
    second = pledge_services.pledge_record_payment(pledge=pledge, amount=1_100_000, received_on=TODAY,
                                                   channel="bank_transfer", external_reference="TRK-9")
    statuses = _statuses(pledge)
    assert statuses[0] == ("paid", 1_000_000)
    assert statuses[1][1] == 500_000 and statuses[1][0] in ("partly_paid", "overdue")
    assert statuses[2] == ("due", 0)
    assert [(p.instalment.sequence, p.amount) for p in second.pledge_payments.order_by("pk")] == [
        (1, 600_000), (2, 500_000)]
    assert services.fund_balances(center=in_scope)["zakat"] == 1_500_000
    assert LedgerTransaction.objects.count() == 2
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACTIVE


def test_paying_every_instalment_completes_the_pledge(in_scope, donor):
    pledge = _monthly(in_scope, donor, count=2, amount=700)
    pledge_services.pledge_record_payment(pledge=pledge, amount=1_400, received_on=TODAY)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.COMPLETED and pledge.completed_at is not None
    assert _statuses(pledge) == [("paid", 700), ("paid", 700)]
    with pytest.raises(ValidationError) as error:
        pledge_services.pledge_record_payment(pledge=pledge, amount=1, received_on=TODAY)
    assert error.value.code == "pledge_closed"


def test_overpayment_is_refused_and_nothing_is_stored(in_scope, donor):
    pledge = _monthly(in_scope, donor, count=2, amount=700)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        pledge_services.pledge_record_payment(pledge=pledge, amount=1_401, received_on=TODAY)
    assert error.value.code == "overpayment"
    assert "1,400" in error.value.messages[0]
    assert Contribution.objects.count() == 0 and PledgePayment.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0
    assert _statuses(pledge) == [("due", 0), ("due", 0)]


@pytest.mark.parametrize(("amount", "code"), [(0, "bad_amount"), (-3, "bad_amount"), ("100", "bad_amount")])
def test_bad_payment_is_refused_and_nothing_is_stored(in_scope, donor, amount, code):
    pledge = _monthly(in_scope, donor, count=2, amount=700)
    with pytest.raises(ValidationError) as error:
        pledge_services.pledge_record_payment(pledge=pledge, amount=amount, received_on=TODAY)
    assert error.value.code == code
    assert Contribution.objects.count() == 0 and PledgePayment.objects.count() == 0


def test_a_future_payment_date_is_refused_with_nothing_stored(in_scope, donor):
    pledge = _monthly(in_scope, donor, count=2, amount=700)
    with pytest.raises(ValidationError) as error:
        pledge_services.pledge_record_payment(pledge=pledge, amount=700,
                                              received_on=TODAY + datetime.timedelta(days=3))
    assert error.value.code == "future_date"
    assert Contribution.objects.count() == 0 and PledgePayment.objects.count() == 0
    assert _statuses(pledge) == [("due", 0), ("due", 0)]


def test_in_kind_pledge_is_fulfilled_by_matching_goods_received(in_scope, donor, monkeypatch):
    # The stock area (a sibling branch) takes the goods into stock; only the matching is tested here.
    from contributions.services import stock

    monkeypatch.setattr(stock, "stock_receive_contribution", lambda **kwargs: None)
    pledge = pledge_services.pledge_create(
        center=in_scope, donor=donor, kind="one_off", amount=30_000_000, start_year=J.year, start_month=J.month,
        due_day=1, purpose="food", goods=PledgeGoods(description="برنج ایرانی", unit="kg", quantity="50"))
    assert pledge.form == Pledge.Form.IN_KIND and pledge.item_quantity == 50
    with pytest.raises(ValidationError) as error:
        pledge_services.pledge_record_payment(pledge=pledge, amount=30_000_000, received_on=TODAY)
    assert error.value.code == "in_kind_pledge"
    cash = services.contribution_record_cash(center=in_scope, purpose="food", amount=100, received_on=TODAY,
                                             donor=donor)
    with pytest.raises(ValidationError) as error:
        pledge_services.pledge_match_contribution(pledge=pledge, contribution=cash)
    assert error.value.code == "wrong_form"
    goods = services.contribution_record(
        center=in_scope, kind="in_kind", purpose="food", received_on=TODAY, donor=donor,
        goods=[services.GoodsLine(category="food", description="برنج ایرانی", unit="kg", quantity=50,
                                  unit_value=600_000)])
    services.contribution_confirm(contribution=goods)
    pledge_services.pledge_match_contribution(pledge=pledge, contribution=goods)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.COMPLETED
    with pytest.raises(ValidationError) as error:
        pledge_services.pledge_match_contribution(pledge=pledge, contribution=goods)
    assert error.value.code in ("already_matched", "pledge_closed")


def test_reversing_a_matched_contribution_takes_its_money_off_the_instalments(in_scope, donor):
    pledge = _monthly(in_scope, donor, count=2, amount=700)
    first = pledge_services.pledge_record_payment(pledge=pledge, amount=700, received_on=TODAY)
    second = pledge_services.pledge_record_payment(pledge=pledge, amount=700, received_on=TODAY)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.COMPLETED
    services.contribution_reverse(contribution=second, reason="چک برگشتی")  # undoes the match itself
    assert pledge_services.pledge_contribution_reversed(contribution=second) == 0  # once only
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACTIVE and pledge.completed_at is None
    assert _statuses(pledge) == [("paid", 700), ("due", 0)]
    assert PledgePayment.objects.filter(contribution=second).get().unmatched_at is not None
    assert PledgePayment.objects.filter(contribution=first).get().unmatched_at is None
    pledge_services.pledge_record_payment(pledge=pledge, amount=700, received_on=TODAY)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.COMPLETED

# --- Pause, resume, cancel ----------------------------------------------------------------------------------

def test_pause_stops_overdue_marking_and_reminders_and_resume_waives_the_paused_months(in_scope, donor):
    pledge = _monthly(in_scope, donor, count=4, amount=1_000, start=_months_ago(0), day=1)
    pledge_services.pledge_pause(pledge=pledge, reason="سفر")
    later = TODAY + datetime.timedelta(days=70)
    assert pledge_services.pledge_mark_overdue_and_remind(center=in_scope, today=later) == (0, 0)
    assert PledgeReminder.objects.count() == 0 and not mail.outbox
    assert not pledge_services.overdue_instalments(center=in_scope, today=later).exists()
    with pytest.raises(ValidationError) as error:
        pledge_services.pledge_pause(pledge=pledge)
    assert error.value.code == "not_active"

    pledge_services.pledge_resume(pledge=pledge, today=later)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACTIVE and pledge.resumed_at
    schedule = pledge_services.pledge_schedule(pledge)
    waived = [i for i in schedule if i.status == PledgeInstalment.Status.WAIVED]
    assert waived and all(i.due_on < later for i in waived)
    assert all(i.status == "due" for i in schedule if i.due_on >= later)


def test_cancel_needs_a_reason_and_keeps_the_history(in_scope, donor):
    pledge = _monthly(in_scope, donor, count=3, amount=1_000)
    gift = pledge_services.pledge_record_payment(pledge=pledge, amount=1_500, received_on=TODAY)
    with pytest.raises(ValidationError) as error:
        pledge_services.pledge_cancel(pledge=pledge, reason="  ")
    assert error.value.code == "reason_required"
    pledge_services.pledge_cancel(pledge=pledge, reason="مهاجرت خیر")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CANCELLED and pledge.cancel_reason == "مهاجرت خیر"
    assert _statuses(pledge) == [("paid", 1_000), ("waived", 500), ("waived", 0)]
    assert PledgePayment.objects.filter(pledge=pledge).count() == 2
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.CONFIRMED
    assert services.fund_balances(center=in_scope)["zakat"] == 1_500
    for call in (lambda: pledge_services.pledge_resume(pledge=pledge),
                 lambda: pledge_services.pledge_cancel(pledge=pledge, reason="دوباره"),
                 lambda: pledge_services.pledge_record_payment(pledge=pledge, amount=1, received_on=TODAY)):
        with pytest.raises(ValidationError):
            call()


# --- The daily task ---------------------------------------------------------------------------------------------

def test_overdue_task_marks_and_reminds_once_by_email_with_consent(in_scope, donor, world):
    pledge = _monthly(in_scope, donor, count=3, amount=2_000_000, start=_months_ago(2), day=1)
    with scopes_disabled():
        silent = Donor.objects.create(organization=world.relief, first_name="رضا", last_name="صادقی",
                                      email="reza@example.org", contact_by_email=False)
    quiet = _monthly(in_scope, silent, count=1, amount=5_000, start=_months_ago(1), day=1)
    paused = _monthly(in_scope, donor, count=2, amount=9_000, start=_months_ago(1), day=1)
    pledge_services.pledge_pause(pledge=paused)

    with translation.override("en"):
        remind_overdue_pledges.apply(kwargs={"center_id": in_scope.pk, "today": TODAY.isoformat()})
        remind_overdue_pledges.apply(kwargs={"center_id": in_scope.pk, "today": TODAY.isoformat()})  # again
    overdue = pledge_services.overdue_instalments(center=in_scope, today=TODAY)
    assert {i.pledge_id for i in overdue} == {pledge.pk, quiet.pk}
    assert all(i.status == "overdue" for i in overdue)
    reminders = PledgeReminder.objects.all()
    assert reminders.count() == overdue.count()  # one each, none twice
    assert reminders.filter(pledge=quiet).get().outcome == PledgeReminder.Outcome.NO_CONSENT
    assert not reminders.filter(pledge=paused).exists()
    emailed = reminders.filter(outcome=PledgeReminder.Outcome.EMAILED)
    assert emailed.count() == len(mail.outbox) == pledge.instalments.filter(status="overdue").count()
    assert mail.outbox[0].to == ["zahra@example.org"]
    assert in_scope.name in mail.outbox[0].subject
    assert "BEN" not in mail.outbox[0].body


def test_overdue_scan_queues_one_run_per_center_with_active_pledges(in_scope, donor,
                                                                    django_capture_on_commit_callbacks):
    _monthly(in_scope, donor, count=1, amount=10, start=_months_ago(1), day=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert pledge_overdue_scan.apply().get() == 1
    assert PledgeReminder.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        pledge_overdue_scan.apply()
    assert PledgeReminder.objects.count() == 1


def test_the_daily_task_is_on_the_beat_schedule():
    from config.celery import app
    from contributions.tasks import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["pledges-overdue-reminders"]
    assert entry["task"] == "contributions.tasks.pledges.pledge_overdue_scan"
    assert entry["task"] in app.tasks


def test_fulfilment_counts_paid_and_due_and_overdue(in_scope, donor):
    late = _monthly(in_scope, donor, count=3, amount=1_000, start=_months_ago(2), day=1)
    pledge_services.pledge_record_payment(pledge=late, amount=1_500, received_on=TODAY)
    cancelled = _monthly(in_scope, donor, count=2, amount=1_000, start=_months_ago(1), day=1)
    pledge_services.pledge_record_payment(pledge=cancelled, amount=300, received_on=TODAY)
    pledge_services.pledge_cancel(pledge=cancelled, reason="انصراف")
    rows = {p.pk: p for p in pledge_services.pledges_with_fulfilment(center=in_scope, today=TODAY)}
    assert (rows[late.pk].paid, rows[late.pk].due_to_date) == (1_500, 3_000)
    # The second is overdue; the third (due on the 1st of this month) only once its day has passed.
    assert rows[late.pk].overdue_count == (1 if J.day == 1 else 2)
    assert (rows[cancelled.pk].paid, rows[cancelled.pk].due_to_date, rows[cancelled.pk].overdue_count) == (
        300, 300, 0)

def test_scoped_queries_fail_without_a_scope(db):
    from django_scopes.exceptions import ScopeError

    with pytest.raises(ScopeError):
        list(Pledge.objects.all())
    with pytest.raises(ScopeError):
        list(PledgeInstalment.objects.all())


# --- Trustee pages ----------------------------------------------------------------------------------------------

def _page(name, center, pledge=None):
    kwargs = {"center_slug": center.slug}
    if pledge is not None:
        kwargs["pledge_id"] = pledge.pk
    return reverse(f"contributions:{name}", kwargs=kwargs)


def test_list_and_detail_show_fulfilment_and_the_jalali_schedule_in_persian_digits(client, in_scope, donor, world):
    pledge = _monthly(in_scope, donor, count=3, amount=1_000_000, start=_months_ago(2), day=31)
    pledge_services.pledge_record_payment(pledge=pledge, amount=1_250_000, received_on=TODAY)
    login(client, world.trustee(in_scope, BoardRole.CHAIR))
    with translation.override("fa"):
        listing = client.get(_page("pledge-list", in_scope)).content.decode()
        detail = client.get(_page("pledge-detail", in_scope, pledge)).content.decode()
    assert "زهرا کریمی" in listing
    assert "۱٬۲۵۰٬۰۰۰" in listing  # paid so far
    assert "status-suspended" in listing  # the overdue second instalment is highlighted
    first = pledge.instalments.get(sequence=1).due_on
    j = to_jalali(first)
    assert f"{j.day} " .translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in detail
    assert str(j.year).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in detail
    assert "۲۵۰٬۰۰۰" in detail  # the second instalment's part payment
    assert detail.count("status-suspended") >= 1


def test_create_form_takes_persian_digits_and_records_the_pledge(client, in_scope, donor, world):
    services.donor_link(center=in_scope, donor=donor)
    login(client, world.trustee(in_scope, BoardRole.DONOR_RELATIONS_WOMEN))
    response = client.post(_page("pledge-new", in_scope), {
        "donor": donor.pk, "kind": "monthly", "target": "family_sponsorship", "amount": "۲٬۰۰۰٬۰۰۰",
        "first_due_on": format_jalali(TODAY), "instalment_count": "۱۲", "form": "cash"})
    pledge = Pledge.objects.get()
    assert response.status_code == 302 and response["Location"] == _page("pledge-detail", in_scope, pledge)
    assert pledge.amount == 2_000_000 and pledge.instalment_count == 12
    assert pledge.purpose.code == "family_sponsorship" and pledge.sponsorship_reference is None
    assert (pledge.start_year, pledge.start_month, pledge.due_day) == (J.year, J.month, J.day)


def test_create_form_shows_the_services_refusal(client, in_scope, donor, world):
    services.donor_link(center=in_scope, donor=donor)
    login(client, world.trustee(in_scope, BoardRole.CHAIR))
    with translation.override("en"):
        response = client.post(_page("pledge-new", in_scope), {
            "donor": donor.pk, "kind": "monthly", "target": "purpose", "amount": "1000",
            "first_due_on": format_jalali(TODAY), "form": "cash"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert Pledge.objects.count() == 0


def test_payment_form_records_and_refuses_overpayment(client, in_scope, donor, world):
    pledge = _monthly(in_scope, donor, count=2, amount=1_000)
    login(client, world.trustee(in_scope, BoardRole.FINANCE_OFFICER))
    form = {"amount": "۲٬۰۰۱", "received_on": format_jalali(TODAY), "channel": "in_person"}
    assert client.post(_page("pledge-pay", in_scope, pledge), form).status_code == 200
    assert Contribution.objects.count() == 0
    form["amount"] = "۱۵۰۰"
    assert client.post(_page("pledge-pay", in_scope, pledge), form).status_code == 302
    assert _statuses(pledge) == [("paid", 1_000), ("due", 500)] or _statuses(pledge)[1][1] == 500


def test_pause_resume_and_cancel_buttons(client, in_scope, donor, world):
    pledge = _monthly(in_scope, donor, count=2, amount=1_000)
    login(client, world.trustee(in_scope, BoardRole.CHAIR))
    assert client.post(_page("pledge-pause", in_scope, pledge), {"reason": "بیماری"}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "paused" and pledge.pause_reason == "بیماری"
    resumed = client.post(_page("pledge-resume", in_scope, pledge))
    assert resumed.status_code == 302, resumed.content.decode()[-3000:]
    pledge.refresh_from_db()
    assert pledge.status == "active"
    assert client.post(_page("pledge-cancel", in_scope, pledge), {"reason": ""}).status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == "active"
    assert client.post(_page("pledge-cancel", in_scope, pledge), {"reason": "درخواست خیر"}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "cancelled" and pledge.instalments.count() == 2


def test_board_member_without_record_contribution_gets_403(client, in_scope, donor, world):
    pledge = _monthly(in_scope, donor, count=2, amount=1_000)
    login(client, world.trustee(in_scope, BoardRole.ORGANIZATIONS_OFFICER))
    assert client.get(_page("pledge-detail", in_scope, pledge)).status_code == 200
    assert client.get(_page("pledge-new", in_scope)).status_code == 403
    for name in ("pledge-pay", "pledge-pause", "pledge-resume", "pledge-cancel"):
        assert client.post(_page(name, in_scope, pledge), {"reason": "x"}).status_code == 403, name
    pledge.refresh_from_db()
    assert pledge.status == "active"


def test_outsider_gets_404_on_every_pledge_page(client, in_scope, donor, world):
    pledge = _monthly(in_scope, donor, count=2, amount=1_000)
    other = license_center(world.center())
    login(client, world.trustee(other, BoardRole.CHAIR))
    assert client.get(_page("pledge-list", in_scope)).status_code == 404
    assert client.get(_page("pledge-detail", in_scope, pledge)).status_code == 404
    for name in ("pledge-pay", "pledge-pause", "pledge-resume", "pledge-cancel"):
        assert client.get(_page(name, in_scope, pledge)).status_code == 404, name
        assert client.post(_page(name, in_scope, pledge), {"reason": "x"}).status_code == 404, name
    # The pledge's id under the outsider's own center is not found either.
    assert client.get(_page("pledge-detail", other, pledge)).status_code == 404
    pledge.refresh_from_db()
    assert pledge.status == "active"


def test_supervisor_reads_pledges_in_the_admin_and_an_outsider_supervisor_does_not(client, in_scope, donor, world):
    pledge = _monthly(in_scope, donor, count=2, amount=1_000, note="یادداشت ناظر")
    login(client, world.supervisor(level="province"))
    listing = client.get(reverse("admin:contributions_pledge_changelist"))
    assert listing.status_code == 200 and "زهرا کریمی" in listing.content.decode()
    assert client.get(reverse("admin:contributions_pledge_change", args=[pledge.pk])).status_code == 200
    login(client, world.supervisor(level="province", province=world.county("تهران", "تهران").province))
    listing = client.get(reverse("admin:contributions_pledge_changelist"))
    assert listing.status_code == 200 and "زهرا کریمی" not in listing.content.decode()

# --- API ------------------------------------------------------------------------------------------------------------

def _token(client, user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def test_api_creates_lists_pays_and_cancels(client, in_scope, donor, world):
    services.donor_link(center=in_scope, donor=donor)
    headers = _token(client, world.trustee(in_scope, BoardRole.CHAIR))
    body = {"center": in_scope.pk, "donor": donor.pk, "kind": "monthly", "purpose": "zakat", "amount": 1_000,
            "start_year": J.year, "start_month": J.month, "due_day": 1, "instalment_count": 3}
    created = client.post("/api/v1/pledges/", body, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    pledge_id = created.json()["id"]
    assert [i["sequence"] for i in created.json()["instalments"]] == [1, 2, 3]
    assert client.get("/api/v1/pledges/", **headers).json()["count"] == 1
    paid = client.post(f"/api/v1/pledges/{pledge_id}/pay/", {"amount": 1_500, "received_on": TODAY.isoformat()},
                       content_type="application/json", **headers)
    assert paid.status_code == 200, paid.content
    assert [i["amount_paid"] for i in paid.json()["instalments"]] == [1_000, 500, 0]
    too_much = client.post(f"/api/v1/pledges/{pledge_id}/pay/", {"amount": 2_000,
                                                                  "received_on": TODAY.isoformat()},
                           content_type="application/json", **headers)
    assert too_much.status_code == 400
    assert Contribution.objects.count() == 1
    assert client.post(f"/api/v1/pledges/{pledge_id}/cancel/", {}, content_type="application/json",
                       **headers).status_code == 400
    cancelled = client.post(f"/api/v1/pledges/{pledge_id}/cancel/", {"reason": "انصراف"},
                            content_type="application/json", **headers)
    assert cancelled.json()["status"] == "cancelled"


def test_api_refuses_bad_input_and_hides_other_centers(client, in_scope, donor, world):
    pledge = _monthly(in_scope, donor, count=2, amount=1_000)
    other = license_center(world.center())
    outsider = _token(client, world.trustee(other, BoardRole.CHAIR))
    assert client.get(f"/api/v1/pledges/{pledge.pk}/", **outsider).status_code == 404
    assert client.post(f"/api/v1/pledges/{pledge.pk}/pause/", {}, content_type="application/json",
                       **outsider).status_code == 404
    body = {"center": in_scope.pk, "donor": donor.pk, "kind": "monthly", "purpose": "zakat", "amount": 1_000,
            "start_year": J.year, "start_month": J.month, "due_day": 1}
    assert client.post("/api/v1/pledges/", body, content_type="application/json", **outsider).status_code == 404
    insider = _token(client, world.trustee(in_scope, BoardRole.CHAIR))
    for bad in ({"amount": 0}, {"due_day": 40}, {"purpose": "nonsense"}, {"donor": 999999},
                {"kind": "weekly"}, {"start_month": 0}):
        response = client.post("/api/v1/pledges/", {**body, **bad}, content_type="application/json", **insider)
        assert response.status_code == 400, bad
    assert Pledge.objects.count() == 1


def pledge_objects(center, organization, note):
    """A pledge of ``center`` with its schedule, written directly (no license needed): the isolation walker's
    own and foreign objects."""
    with scopes_disabled():
        donor = Donor.objects.create(organization=organization, first_name="خیر", last_name=note)
        DonorLink.objects.create(center=center, donor=donor)
        pledge = Pledge.objects.create(center=center, donor=donor, kind="monthly", purpose_id=_purpose_id("zakat"),
                                       amount=1_000, start_year=J.year, start_month=J.month, due_day=1,
                                       instalment_count=2, note=note)
        pledge_services.pledge_extend_schedule(pledge)
    return pledge


def _purpose_id(code):
    from contributions.models import Purpose

    return Purpose.objects.get(code=code).pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_payments_never_pay_more_than_the_schedule(world):
    """Payments lock the pledge's row: of six threads paying 700 on a 3 × 700 pledge, three are matched and
    three refused, and no instalment is paid twice."""
    import threading

    from django.db import connection

    center = license_center(world.center())
    with scopes_disabled():
        payer = Donor.objects.create(organization=world.relief, first_name="نرگس", last_name="هاشمی")
    with scope(center=[center.pk]):
        pledge = _monthly(center, payer, count=3, amount=700)
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    results: list[str] = []
    lock = threading.Lock()

    def worker():
        try:
            with scope(center=[center.pk]):
                barrier.wait(timeout=10)
                try:
                    pledge_services.pledge_record_payment(pledge=pledge, amount=700, received_on=TODAY)
                    outcome = "ok"
                except ValidationError as error:
                    outcome = error.code
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results.count("ok") == 3
    assert all(r in ("overpayment", "pledge_closed") for r in results if r != "ok")
    with scope(center=[center.pk]):
        assert _statuses(pledge) == [("paid", 700)] * 3
        assert PledgePayment.objects.filter(pledge=pledge).count() == 3
        assert Contribution.objects.filter(donor=payer).count() == 3
        assert services.fund_balances(center=center)["zakat"] == 2_100
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.COMPLETED
