"""The priority rule: the worked examples of beneficiaries/priority.py's docstring, and its configuration."""

import datetime

import pytest
from django_scopes import scope

from beneficiaries import priority, services
from beneficiaries.models import Household
from beneficiaries.priority import HouseholdFacts, PersonFacts
from centers.access import actor_for

from .helpers import national_code, person, register

WIDOW = HouseholdFacts(
    people=(PersonFacts(age=40, is_head=True), PersonFacts(age=5, is_orphan=True),
            PersonFacts(age=9, is_orphan=True), PersonFacts(age=12, is_orphan=True)),
    monthly_income=6_000_000, rural=True, insured=False, housing="rented",
    severities={"livelihood": 4, "orphan_care": 3})
COUPLE = HouseholdFacts(
    people=(PersonFacts(age=45, is_head=True), PersonFacts(age=43), PersonFacts(age=16)),
    monthly_income=80_000_000, rural=False, insured=True, housing="owned", severities={"debt": 2})
SINGLE_MAN = HouseholdFacts(
    people=(PersonFacts(age=30, is_head=True, has_disability=True),), monthly_income=0, rural=False,
    insured=False, housing="homeless", severities={"health": 5, "employment": 4})


def test_example_1_rural_widow_with_three_orphans():
    result = priority.compute(WIDOW, priority.DEFAULT_WEIGHTS)
    assert result.parts == {"needs": 64, "dependants": 12, "income": 28, "disability": 0, "orphans": 18,
                            "rural": 6, "insurance": 6, "housing": 3}
    assert result.score == 137


def test_example_2_urban_couple_above_the_income_threshold():
    result = priority.compute(COUPLE, priority.DEFAULT_WEIGHTS)
    assert result.parts["income"] == 0
    assert result.score == 16


def test_example_3_single_man_with_a_disability_without_housing():
    result = priority.compute(SINGLE_MAN, priority.DEFAULT_WEIGHTS)
    assert result.parts["dependants"] == 0  # the head is not his own dependant
    assert result.score == 141


def test_order_of_the_examples_is_what_the_seeds_ask():
    scores = [priority.compute(f, priority.DEFAULT_WEIGHTS).score for f in (WIDOW, COUPLE, SINGLE_MAN)]
    assert scores[1] < scores[0] < scores[2]


def test_weights_are_configurable_key_by_key(settings):
    settings.BENEFICIARY_PRIORITY_WEIGHTS = {"rural": 50, "severity": {"debt": 20}}
    w = priority.weights()
    assert w["rural"] == 50 and w["severity"]["debt"] == 20
    assert w["severity"]["livelihood"] == priority.DEFAULT_WEIGHTS["severity"]["livelihood"]  # merged, kept
    assert priority.compute(WIDOW).score == 137 - 6 + 50
    assert priority.compute(COUPLE).score == 16 - 12 + 40


@pytest.mark.django_db
def test_stored_score_follows_the_assessments(world, center, vice_chair):
    household = register(center, vice_chair, head_code=national_code(21), monthly_income=80_000_000,
                         members=[person("رضا", code=national_code(22), birth=(2000, 1, 1), relation="spouse",
                                         gender="male")], housing="owned", insurance="social_security")
    assert household.priority_score == 0
    actor = actor_for(vice_chair, second_factor_passed=True)
    with scope(center=[center.pk]):
        services.assessment_record(actor=actor, household=household, category="debt", severity=2,
                                   evidence="قسط معوق", assessed_on=datetime.date(2025, 6, 1))
        household.refresh_from_db()
        assert household.priority_score == 12
        assert household.next_reassessment_on == datetime.date(2025, 6, 1) + datetime.timedelta(days=180)
        # A newer assessment of the same category replaces the older one in the score; both stay on record.
        services.assessment_record(actor=actor, household=household, category="debt", severity=5,
                                   evidence="حکم جلب", assessed_on=datetime.date(2025, 7, 1),
                                   next_due_on=datetime.date(2025, 8, 1))
        household = Household.objects.get(pk=household.pk)
        assert household.priority_score == 30
        assert household.next_reassessment_on == datetime.date(2025, 8, 1)
        assert list(household.assessments.values_list("severity", "is_current")) == [(5, True), (2, False)]
