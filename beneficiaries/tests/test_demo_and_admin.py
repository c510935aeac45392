"""The demo households (with the two deliberately registered at two centers) and the supervisors' admin."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from beneficiaries import crypto
from beneficiaries.demo.households import OVERLAP_CODES
from beneficiaries.models import Household, Member
from conftest import login

pytestmark = pytest.mark.django_db


def test_demo_has_households_and_exactly_the_two_overlaps(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        assert Household.objects.count() >= 20
        assert Household.objects.filter(priority_score__gt=0).count() == Household.objects.count()
        heads = Member.objects.filter(relation="head").values_list("national_code_index", "center_id")
        centers_by_index = {}
        for index, center_id in heads:
            centers_by_index.setdefault(index, set()).add(center_id)
        shared = {i for i, cs in centers_by_index.items() if len(cs) > 1}
        assert shared == {crypto.blind_index(c) for c in OVERLAP_CODES}
        before = Household.objects.count()
    call_command("seed_demo", stdout=StringIO())  # idempotent
    with scopes_disabled():
        assert Household.objects.count() == before
    # A supervisor's admin shows the households with masked codes only.
    logins = json.loads((tmp_path / "demo-users.json").read_text(encoding="utf-8"))
    supervisor = next(e for e in logins if e["role"] == "province_supervisor" and e["organization"] ==
                      "relief_committee")
    from django.contrib.auth import get_user_model

    login(client, get_user_model().objects.get(username=supervisor["username"]))
    page = client.get(reverse("admin:beneficiaries_household_changelist")).content.decode()
    assert "کریمی" in page
    assert OVERLAP_CODES[0] not in page and OVERLAP_CODES[0][:4] + "***" + OVERLAP_CODES[0][-3:] in page
    with scopes_disabled():
        one = Household.objects.filter(center__slug="isf-jame").first()
    detail = client.get(reverse("admin:beneficiaries_household_change", args=[one.pk]))
    assert detail.status_code == 200
    assert 'name="address"' not in detail.content.decode()  # read only
