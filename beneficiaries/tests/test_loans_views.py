"""The loan and plan pages: outsider 404, roles, the whole loan flow through the forms, the overdue list, the
household's links, the daily task."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from beneficiaries import services
from beneficiaries.loan_tasks import BEAT_SCHEDULE, loan_overdue_scan
from beneficiaries.models import EmpowermentPlan, Loan, LoanInstalment
from centers.models import BoardRole
from conftest import login
from contributions.tests.conftest import license_center
from core.digits import to_persian_digits
from core.jalali import format_jalali

from .helpers import national_code, register
from .loan_helpers import actor, fund, request_loan

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(center, vice_chair):
    return register(center, vice_chair, head_code=national_code(501), head_first="پروانه", head_last="سلامی")


@pytest.fixture
def loan(center, vice_chair, household):
    return request_loan(center, vice_chair, household, purpose_note="خرید دستگاه بافندگی")


@pytest.fixture
def plan(center, vice_chair, household):
    with scope(center=[center.pk]):
        plan = services.plan_create(actor=actor(vice_chair), household=household, goal="home_business",
                                    title="بافندگی خانگی", started_on=timezone.localdate(),
                                    milestones=[("آموزش", timezone.localdate() + datetime.timedelta(days=5))])
    return plan


def _urls(center, loan, plan, household):
    c = {"center_slug": center.slug}
    urls = [reverse(f"beneficiaries:{n}", kwargs=c) for n in ("loan-list", "loan-overdue", "plan-list")]
    urls += [reverse(f"beneficiaries:{n}", kwargs={**c, "household_id": household.pk})
             for n in ("loan-new", "plan-new")]
    urls += [reverse(f"beneficiaries:{n}", kwargs={**c, "loan_id": loan.pk})
             for n in ("loan-detail", "loan-decide", "loan-disburse", "loan-repay", "loan-write-off")]
    urls += [reverse(f"beneficiaries:{n}", kwargs={**c, "plan_id": plan.pk})
             for n in ("plan-detail", "milestone-new", "funding-new", "plan-follow-up", "plan-close")]
    with scope(center=[center.pk]):
        milestone = plan.milestones.get()
    urls.append(reverse("beneficiaries:milestone-edit", kwargs={**c, "plan_id": plan.pk, "milestone_id": milestone.pk}))
    return urls


def test_outsider_gets_404_on_every_loan_and_plan_page(client, world, center, loan, plan, household):
    outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
    login(client, outsider)
    for url in _urls(center, loan, plan, household):
        assert client.get(url).status_code == 404, url
        posted = client.post(url, {"amount": "1000", "decision": "approve", "reference": "X"}).status_code
        assert posted in (404, 405), url  # the lists are GET only
        assert posted == 404 or url.endswith(("/loans/", "/overdue/", "/plans/", f"/{loan.pk}/", f"/{plan.pk}/"))
    with scope(center=[center.pk]):
        assert Loan.objects.get(pk=loan.pk).status == Loan.Status.REQUESTED


def test_donor_relations_officer_gets_403_and_sees_no_borrower(client, world, center, loan, plan, household):
    login(client, world.trustee(center, BoardRole.DONOR_RELATIONS_WOMEN))
    for url in _urls(center, loan, plan, household):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "پروانه" not in response.content.decode()


def test_the_loan_flow_through_the_pages(client, world, center, vice_chair, household):
    fund(center, 100_000_000, "qard-view-1")
    finance = world.trustee(center, BoardRole.FINANCE_OFFICER)
    login(client, vice_chair)
    detail = reverse("beneficiaries:household-detail", kwargs={"center_slug": center.slug,
                                                                "household_id": household.pk})
    page = client.get(detail).content.decode()
    new_url = reverse("beneficiaries:loan-new", kwargs={"center_slug": center.slug, "household_id": household.pk})
    assert new_url in page  # the household's file links to a new loan
    today = timezone.localdate()
    first_due = today + datetime.timedelta(days=31)
    response = client.post(new_url, {
        "borrower": household.head_id, "amount": "۱۲٬۰۰۰٬۰۰۰", "purpose": "small_business",
        "purpose_note": "خرید چرخ خیاطی", "instalment_count": "۴", "first_due_on": format_jalali(first_due),
        "requested_on": format_jalali(today),
        "guarantors-TOTAL_FORMS": "2", "guarantors-INITIAL_FORMS": "0", "guarantors-MIN_NUM_FORMS": "0",
        "guarantors-MAX_NUM_FORMS": "5", "guarantors-0-full_name": "کامران ضامنی", "guarantors-0-note": "چک",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    with scope(center=[center.pk]):
        loan = Loan.objects.get(household=household)
        assert loan.amount == 12_000_000 and loan.instalment_count == 4
        assert list(loan.guarantors.values_list("full_name", flat=True)) == ["کامران ضامنی"]
    kw = {"center_slug": center.slug, "loan_id": loan.pk}
    assert client.post(reverse("beneficiaries:loan-decide", kwargs=kw), {"decision": "approve"}).status_code == 302
    login(client, finance)
    assert client.post(reverse("beneficiaries:loan-disburse", kwargs=kw),
                       {"disbursed_on": format_jalali(today)}).status_code == 302
    repay = reverse("beneficiaries:loan-repay", kwargs=kw)
    assert client.post(repay, {"amount": "۴٬۰۰۰٬۰۰۰", "received_on": format_jalali(today), "channel": "cash",
                               "reference": "۱۰۱"}).status_code == 302
    again = client.post(repay, {"amount": "1000", "received_on": format_jalali(today), "channel": "cash",
                                "reference": "101"})
    assert again.status_code == 400
    assert "already been recorded" in again.content.decode() or "قبلاً" in again.content.decode()
    page = client.get(reverse("beneficiaries:loan-detail", kwargs=kw)).content.decode()
    assert to_persian_digits("8,000,000").replace(",", "٬") in page  # still owed, Persian digits
    assert "کامران ضامنی" in page
    with scope(center=[center.pk]):
        assert services.loan_outstanding(loan) == 8_000_000
        assert services.qard_hasan_position(center=center)["on_loan"] == 8_000_000


def test_a_disbursement_the_fund_cannot_pay_is_a_form_error_not_a_500(client, world, center, vice_chair, loan):
    fund(center, 1_000_000, "qard-view-2")
    with scope(center=[center.pk]):
        services.loan_approve(actor=actor(vice_chair), loan=loan)
    login(client, world.trustee(center, BoardRole.FINANCE_OFFICER))
    response = client.post(reverse("beneficiaries:loan-disburse", kwargs={"center_slug": center.slug,
                                                                          "loan_id": loan.pk}),
                           {"disbursed_on": format_jalali(timezone.localdate())})
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    with scope(center=[center.pk]):
        assert Loan.objects.get(pk=loan.pk).status == Loan.Status.APPROVED
        assert services.qard_hasan_position(center=center)["available"] == 1_000_000


def test_overdue_list_shows_days_late_and_the_daily_task_marks_them(client, world, center, vice_chair, household,
                                                                     django_capture_on_commit_callbacks):
    fund(center, 10_000_000, "qard-view-3")
    today = timezone.localdate()
    loan = request_loan(center, vice_chair, household, amount=2_000_000, instalment_count=2,
                        requested_on=today - datetime.timedelta(days=60),
                        first_due_on=today - datetime.timedelta(days=17))
    with scope(center=[center.pk]):
        services.loan_approve(actor=actor(vice_chair), loan=loan)
        services.loan_disburse(actor=actor(vice_chair), loan=loan, disbursed_on=today - datetime.timedelta(days=50))
    with django_capture_on_commit_callbacks(execute=True):
        assert loan_overdue_scan.apply().get() == 1
    with scopes_disabled():
        assert list(LoanInstalment.objects.filter(loan=loan).values_list("status", flat=True)) == ["overdue", "due"]
    assert "loans-overdue-scan" in BEAT_SCHEDULE
    login(client, vice_chair)
    page = client.get(reverse("beneficiaries:loan-overdue", kwargs={"center_slug": center.slug})).content.decode()
    assert "پروانه سلامی" in page
    assert f'<td class="warning">{to_persian_digits("17")}</td>' in page


def test_plan_pages_and_household_links(client, world, center, vice_chair, household, plan):
    employment = world.trustee(center, BoardRole.EMPLOYMENT_OFFICER)
    login(client, employment)
    kw = {"center_slug": center.slug, "plan_id": plan.pk}
    listing = client.get(reverse("beneficiaries:plan-list", kwargs={"center_slug": center.slug})).content.decode()
    assert "بافندگی خانگی" in listing and "آموزش" in listing  # the milestone due in five days
    response = client.post(reverse("beneficiaries:funding-new", kwargs=kw),
                           {"kind": "service", "description": "کلاس رایگان", "quantity": "12", "unit": "جلسه"})
    assert response.status_code == 302
    bad = client.post(reverse("beneficiaries:funding-new", kwargs=kw), {"kind": "grant"})
    assert bad.status_code == 400
    assert client.post(reverse("beneficiaries:plan-follow-up", kwargs=kw),
                       {"follow_up": "on_track", "note": "خوب", "on": format_jalali(timezone.localdate())}
                       ).status_code == 302
    page = client.get(reverse("beneficiaries:household-detail", kwargs={"center_slug": center.slug,
                                                                         "household_id": household.pk}))
    assert page.status_code == 200
    assert reverse("beneficiaries:plan-detail", kwargs=kw) in page.content.decode()
    closing = client.post(reverse("beneficiaries:plan-close", kwargs=kw), {"outcome": "self_sufficient",
                                                                          "close_household": "on"})
    assert closing.status_code == 400  # the employment officer may not close the household's file
    with scope(center=[center.pk]):
        assert EmpowermentPlan.objects.get(pk=plan.pk).status == "active"
