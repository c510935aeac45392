"""The prioritised households list costs the same number of queries on every page and with every filter (issue 5
bench: constant queries a page; ``bench/beneficiaries_bench.py`` measures the time with 5,000 households)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from beneficiaries import services
from beneficiaries.tests.helpers import national_code, person, register
from centers.access import actor_for
from conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(center, vice_chair):
    actor = actor_for(vice_chair, second_factor_passed=True)
    made = []
    for n in range(11):
        household = register(center, vice_chair, head_code=national_code(900 + n), head_last=f"نام{n}",
                             area="rural" if n % 2 else "urban",
                             members=[person("کودک", f"نام{n}", birth=(2015, 1, 1 + n))] * (n % 3))
        with scope(center=[center.pk]):
            services.assessment_record(actor=actor, household=household, category="livelihood", severity=1 + n % 5,
                                       evidence="شاهد", assessed_on=household.consent_on)
            if n % 2:
                services.assessment_record(actor=actor, household=household, category="health", severity=3,
                                           evidence="شاهد", assessed_on=household.consent_on)
        made.append(household)
    return made


@pytest.mark.parametrize("params", [{}, {"category": "health"}, {"category": "livelihood", "min_severity": "2"},
                                    {"area": "rural"}, {"due": "on"}])
def test_every_page_costs_the_same_queries(client, monkeypatch, center, vice_chair, households, params):
    monkeypatch.setattr("beneficiaries.views.households.PAGE_SIZE", 2)
    login(client, vice_chair)
    url = reverse("beneficiaries:household-list", kwargs={"center_slug": center.slug})
    counts, heads = {}, []
    for page in ("1", "2", "3", "999"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {**params, "page": page})
        assert response.status_code == 200
        counts[page] = len(queries)
        heads.append(response.content.decode())
    assert len(set(counts.values())) == 1, counts
    assert heads[0] != heads[1]  # different pages, different households


def test_the_list_is_in_priority_order_across_pages(client, monkeypatch, center, vice_chair, households):
    monkeypatch.setattr("beneficiaries.views.households.PAGE_SIZE", 3)
    login(client, vice_chair)
    url = reverse("beneficiaries:household-list", kwargs={"center_slug": center.slug})
    seen = []
    for page in range(1, 5):
        response = client.get(url, {"page": page})
        seen += [h.pk for h in response.context["page"].rows]
    with scope(center=[center.pk]):
        from beneficiaries.models import Household

        expected = list(Household.objects.filter(center=center, status="active")
                        .order_by("-priority_score", "next_reassessment_on", "pk").values_list("pk", flat=True))
    assert seen == expected and len(seen) == 11
