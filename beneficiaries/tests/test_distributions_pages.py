"""The distribution and dowry pages, the API and the admin, under the access rules: outsiders 404, roles that
may not 403, a refusal shown as a form error with nothing moved, Jalali dates and Persian digits."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from rest_framework.authtoken.models import Token

from beneficiaries import services
from beneficiaries.models import AidDistribution, DowryCase
from centers.access import actor_for
from centers.models import BoardRole
from conftest import login
from contributions.tests.conftest import license_center
from contributions.tests.test_stock import give, item
from core.digits import to_persian_digits

from .distribution_helpers import fund, fund_balance, service_gift, snapshot
from .helpers import national_code, person, register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HEAD_CODE = national_code(81)


@pytest.fixture
def household(center, vice_chair):
    return register(center, vice_chair, head_code=HEAD_CODE, head_first="پروین", head_last="ملکی",
                    members=[person("سارا", code=national_code(82), birth=(2002, 2, 2))])


@pytest.fixture
def stocked(center, household, vice_chair):
    """Food money, rice in stock, medical sessions, one cash distribution and one dowry case."""
    with scope(center=[center.pk]):
        fund(center, "food", 10_000_000)
        fund(center, "dowry", 100_000_000)
        give(center, "food", ("برنج", "20", 1_000_000, None), received_on=TODAY - datetime.timedelta(days=2))
        service_gift(center, purpose="health", quantity=5)
        actor = actor_for(vice_chair, second_factor_passed=True)
        cash = services.distribution_record_cash(actor=actor, household=household, purpose="food",
                                                 amount=2_000_000, note="کمک‌هزینه‌آزمایشی")
        bride = household.members.exclude(pk=household.head_id).get()
        case = services.dowry_case_request(actor=actor, household=household, member=bride,
                                           wedding_on=TODAY + datetime.timedelta(days=30),
                                           items=[services.DowryItemInput("یخچال", 300_000_000)])
    return cash, case


def _urls(center, household, distribution, case):
    c = {"center_slug": center.slug}
    return [reverse("beneficiaries:distribution-list", kwargs=c),
            reverse("beneficiaries:dowry-list", kwargs=c),
            reverse("beneficiaries:distribution-new", kwargs={**c, "household_id": household.pk}),
            reverse("beneficiaries:dowry-new", kwargs={**c, "household_id": household.pk}),
            *(reverse(f"beneficiaries:{n}", kwargs={**c, "distribution_id": distribution.pk})
              for n in ("distribution-detail", "distribution-acknowledgement", "distribution-reverse")),
            *(reverse(f"beneficiaries:{n}", kwargs={**c, "dowry_case_id": case.pk})
              for n in ("dowry-detail", "dowry-approve", "dowry-deliver", "dowry-cancel"))]


def test_outsider_gets_404_on_every_page(client, world, center, household, stocked):
    cash, case = stocked
    outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
    login(client, outsider)
    for url in _urls(center, household, cash, case):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "amount": "1", "purpose": "1"}).status_code in (404, 405), url
    with scope(center=[center.pk]):
        assert AidDistribution.objects.get(pk=cash.pk).status == "recorded"
        assert DowryCase.objects.get(pk=case.pk).status == "requested"


def test_donor_relations_officer_sees_no_distribution(client, world, center, household, stocked):
    login(client, world.trustee(center, BoardRole.DONOR_RELATIONS_WOMEN))
    cash, case = stocked
    for url in _urls(center, household, cash, case):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "پروین" not in response.content.decode()


def test_cash_form_records_and_a_refusal_moves_nothing(client, center, household, vice_chair, stocked):
    login(client, vice_chair)
    url = reverse("beneficiaries:distribution-new", kwargs={"center_slug": center.slug, "household_id": household.pk})
    from contributions.models import Purpose

    food = Purpose.objects.get(code="food")
    with scope(center=[center.pk]):
        before = snapshot(center)
    response = client.post(f"{url}?kind=cash", {"purpose": food.pk, "amount": "۹٬۰۰۰٬۰۰۰"})  # more than the fund
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    with scope(center=[center.pk]):
        assert snapshot(center) == before
    response = client.post(f"{url}?kind=cash", {"purpose": food.pk, "amount": "۳٬۰۰۰٬۰۰۰", "note": "اجاره"})
    assert response.status_code == 302
    with scope(center=[center.pk]):
        assert fund_balance(center, "food") == 10_000_000 - 2_000_000 - 3_000_000
    detail = client.get(response["Location"]).content.decode()
    assert to_persian_digits("3,000,000").replace(",", "٬") in detail or "۳٬۰۰۰٬۰۰۰" in detail


def test_goods_and_service_forms_record(client, center, household, vice_chair, stocked):
    login(client, vice_chair)
    url = reverse("beneficiaries:distribution-new", kwargs={"center_slug": center.slug, "household_id": household.pk})
    from contributions.models import Purpose

    food, health = Purpose.objects.get(code="food"), Purpose.objects.get(code="health")
    page = client.get(f"{url}?kind=goods").content.decode()
    assert "برنج" in page
    with scope(center=[center.pk]):
        rice = item(center, "برنج")
    data = {"purpose": food.pk, "goods-TOTAL_FORMS": "5", "goods-INITIAL_FORMS": "0", "goods-MIN_NUM_FORMS": "0",
            "goods-MAX_NUM_FORMS": "20", "goods-0-item": rice.pk, "goods-0-quantity": "۵"}
    response = client.post(f"{url}?kind=goods", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with scope(center=[center.pk]):
        assert item(center, "برنج").lots.get().quantity_remaining == Decimal("15")
    response = client.post(f"{url}?kind=service", {"purpose": health.pk, "service_type": "medical",
                                                   "measure": "sessions", "quantity": "۲"})
    assert response.status_code == 302
    response = client.post(f"{url}?kind=service", {"purpose": health.pk, "service_type": "medical",
                                                   "measure": "sessions", "quantity": "۴"})
    assert response.status_code == 400  # only 3 sessions remain


def test_list_filters_and_totals_and_the_acknowledgement(client, center, household, vice_chair, stocked):
    login(client, vice_chair)
    url = reverse("beneficiaries:distribution-list", kwargs={"center_slug": center.slug})
    body = client.get(url).content.decode()
    assert "پروین ملکی" in body and "۲٬۰۰۰٬۰۰۰" in body
    assert HEAD_CODE not in body
    assert "پروین" not in client.get(url, {"kind": "goods"}).content.decode()
    assert "پروین" in client.get(url, {"household": household.pk}).content.decode()
    assert client.get(url, {"start": "not a date"}).status_code == 200
    cash, _case = stocked
    pdf = client.get(reverse("beneficiaries:distribution-acknowledgement",
                             kwargs={"center_slug": center.slug, "distribution_id": cash.pk}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_reversal_page_is_for_finance(client, world, center, household, vice_chair, stocked):
    cash, _case = stocked
    url = reverse("beneficiaries:distribution-reverse", kwargs={"center_slug": center.slug,
                                                                "distribution_id": cash.pk})
    login(client, vice_chair)
    assert client.get(url).status_code == 403
    login(client, world.trustee(center, BoardRole.FINANCE_OFFICER))
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "ثبت تکراری"}).status_code == 302
    with scope(center=[center.pk]):
        assert fund_balance(center, "food") == 10_000_000


def test_dowry_pages_walk_the_case_through(client, world, center, household, vice_chair, stocked):
    _cash, case = stocked
    kw = {"center_slug": center.slug, "dowry_case_id": case.pk}
    login(client, vice_chair)
    assert client.post(reverse("beneficiaries:dowry-approve", kwargs=kw), {}).status_code == 403
    login(client, world.trustee(center, BoardRole.FINANCE_OFFICER))
    assert client.post(reverse("beneficiaries:dowry-approve", kwargs=kw),
                       {"approval_reference": "1405/05-2"}).status_code == 302
    login(client, vice_chair)
    new = reverse("beneficiaries:distribution-new", kwargs={"center_slug": center.slug,
                                                            "household_id": household.pk})
    from contributions.models import Purpose

    dowry = Purpose.objects.get(code="dowry")
    response = client.post(f"{new}?kind=cash&dowry_case={case.pk}", {"purpose": dowry.pk, "amount": "50000000"})
    assert response.status_code == 302
    assert client.post(reverse("beneficiaries:dowry-deliver", kwargs=kw)).status_code == 302
    detail = client.get(reverse("beneficiaries:dowry-detail", kwargs=kw)).content.decode()
    assert "یخچال" in detail and "۵۰٬۰۰۰٬۰۰۰" in detail
    with scope(center=[center.pk]):
        assert DowryCase.objects.get(pk=case.pk).status == "delivered"
    new_case = client.post(reverse("beneficiaries:dowry-new", kwargs={"center_slug": center.slug,
                                                                      "household_id": household.pk}), {
        "member": str(case.member_id), "wedding_on": "۱۴۱۰/۰۱/۰۱", "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0", "items-0-description": "فرش", "items-0-estimated_value": "1000"})
    assert new_case.status_code == 400  # more than two years ahead: a clear form error, not a 500


def test_household_file_links_to_aid(client, center, household, vice_chair):
    login(client, vice_chair)
    kw = {"center_slug": center.slug, "household_id": household.pk}
    body = client.get(reverse("beneficiaries:household-detail", kwargs=kw)).content.decode()
    assert reverse("beneficiaries:distribution-new", kwargs={"center_slug": center.slug,
                                                             "household_id": household.pk}) in body


def test_api_lists_records_and_hides_foreign_distributions(client, world, center, household, vice_chair, stocked):
    token = Token.objects.create(user=vice_chair).key
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    listing = client.get("/api/v1/aid-distributions/", **headers).json()
    assert [d["household"] for d in listing["results"]] == [household.pk]
    response = client.post("/api/v1/aid-distributions/", {"household": household.pk, "kind": "cash",
                                                           "purpose": "food", "amount": 1_000_000},
                           content_type="application/json", **headers)
    assert response.status_code == 201, response.json()
    refused = client.post("/api/v1/aid-distributions/", {"household": household.pk, "kind": "cash",
                                                          "purpose": "food", "source_purpose": "zakat",
                                                          "amount": 1_000}, content_type="application/json",
                          **headers)
    assert refused.status_code == 400
    assert client.post("/api/v1/aid-distributions/", {"household": household.pk, "kind": "goods",
                                                      "purpose": "food"}, content_type="application/json",
                       **headers).status_code == 400
    outsider = Token.objects.create(user=world.trustee(license_center(world.center()), BoardRole.CHAIR)).key
    other = {"HTTP_AUTHORIZATION": f"Token {outsider}"}
    assert client.get(f"/api/v1/aid-distributions/{response.json()['id']}/", **other).status_code == 404
    assert client.post("/api/v1/aid-distributions/", {"household": household.pk, "kind": "cash", "purpose": "food",
                                                      "amount": 1}, content_type="application/json",
                       **other).status_code == 404
    assert client.get("/api/v1/dowry-cases/", **other).json()["results"] == []
    assert len(client.get("/api/v1/dowry-cases/", **headers).json()["results"]) == 1


def test_supervisor_reads_distributions_in_the_admin_but_edits_nothing(client, world, center, stocked):
    cash, case = stocked
    login(client, world.supervisor(level="province"))
    assert client.get(reverse("admin:beneficiaries_aiddistribution_changelist")).status_code == 200
    change = client.get(reverse("admin:beneficiaries_aiddistribution_change", args=[cash.pk]))
    assert change.status_code == 200 and 'name="value"' not in change.content.decode()
    assert client.get(reverse("admin:beneficiaries_dowrycase_change", args=[case.pk])).status_code == 200
    assert client.get(reverse("admin:beneficiaries_aiddistribution_add")).status_code == 403


def test_demo_has_distributions_of_every_kind_and_a_dowry_case(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django_scopes import scopes_disabled

    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        kinds = set(AidDistribution.objects.values_list("kind", flat=True))
        count = AidDistribution.objects.count()
        assert {"goods", "service"} <= kinds and count >= 3
        assert DowryCase.objects.filter(status__in=["approved", "delivered"]).exists()
        goods = AidDistribution.objects.filter(kind="goods").first()
        assert goods.goods.exists() and goods.value > 0
    call_command("seed_demo", stdout=StringIO())  # idempotent
    with scopes_disabled():
        assert AidDistribution.objects.count() == count
