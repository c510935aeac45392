"""The demo loans and plans (every state, posted through the ledger), the supervisors' admin and the API."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from beneficiaries import services
from beneficiaries.models import EmpowermentPlan, Loan, LoanInstalment
from conftest import login

pytestmark = pytest.mark.django_db


def test_demo_loans_and_plans_admin_and_api(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        center = Loan.objects.first().center
        states = set(Loan.objects.values_list("status", flat=True))
        plans = EmpowermentPlan.objects.count()
        loan_count = Loan.objects.count()
        overdue = LoanInstalment.objects.filter(status="overdue").count()
    assert states == {"requested", "approved", "repaying", "repaid"}
    assert plans == 2 and overdue >= 1
    with scope(center=[center.pk]):
        position = services.qard_hasan_position(center=center)
        open_loans = Loan.objects.filter(center=center, status__in=["disbursed", "repaying"])
        assert position["on_loan"] == sum(services.loan_outstanding(loan) for loan in open_loans) > 0
        assert position["available"] + position["on_loan"] + position["written_off"] == 400_000_000
    call_command("seed_demo", stdout=StringIO())  # idempotent
    with scopes_disabled():
        assert Loan.objects.count() == loan_count and EmpowermentPlan.objects.count() == plans
    with scope(center=[center.pk]):
        assert services.qard_hasan_position(center=center) == position

    logins = json.loads((tmp_path / "demo-users.json").read_text(encoding="utf-8"))
    supervisor = next(e for e in logins if e["role"] == "province_supervisor" and e["organization"] ==
                      "relief_committee")
    login(client, get_user_model().objects.get(username=supervisor["username"]))
    assert client.get(reverse("admin:beneficiaries_loan_changelist")).status_code == 200
    with scopes_disabled():
        loan = Loan.objects.filter(status="repaying").first()
        plan = EmpowermentPlan.objects.first()
    detail = client.get(reverse("admin:beneficiaries_loan_change", args=[loan.pk]))
    assert detail.status_code == 200 and 'name="amount"' not in detail.content.decode()
    assert client.get(reverse("admin:beneficiaries_empowermentplan_change", args=[plan.pk])).status_code == 200

    client.logout()  # the API answers the token's user alone
    finance = get_user_model().objects.get(username="isf-jame-finance-officer")
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=finance).key}"}
    listing = client.get("/api/v1/loans/", **headers).json()
    assert {item["status"] for item in listing["results"]} == states
    repaying = next(item for item in listing["results"] if item["status"] == "repaying")
    answer = client.post(f"/api/v1/loans/{repaying['id']}/repay/", {"amount": 1_000_000, "received_on":
                         repaying["disbursed_on"], "reference": "API-1"}, content_type="application/json", **headers)
    assert answer.status_code == 200, answer.content
    assert sum(r["amount"] for r in answer.json()["repayments"]) == \
        sum(r["amount"] for r in repaying["repayments"]) + 1_000_000
    again = client.post(f"/api/v1/loans/{repaying['id']}/repay/", {"amount": 1_000_000, "received_on":
                        repaying["disbursed_on"], "reference": "API-1"}, content_type="application/json", **headers)
    assert again.status_code == 400
    assert client.get("/api/v1/empowerment-plans/", **headers).status_code == 200
    assert client.get("/api/v1/empowerment-plans/", **headers).json()["results"] == []  # finance: no plans
