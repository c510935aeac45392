"""The priority score of a household: a documented, configurable sum of points.

Seed 002 asks the vice-chair to identify the truly needy and to categorise and prioritise their needs
("شناسایی نیازمندان واقعی، دسته بندی و اولویت بندی نیازهای آنان"); seed 003 names what weighs for rural
families: living in a village, having no insurance, having no home of their own. The rule below turns those
into points, so two trustees looking at the same file reach the same order, and a deployment can change the
weights (``settings.BENEFICIARY_PRIORITY_WEIGHTS``, merged over ``DEFAULT_WEIGHTS`` key by key) without
touching code. Higher score = served first.

The score is the sum of these parts (each rounded to a whole number):

``needs``
    for each category's *current* assessment: ``severity × weight of the category``
    (``weights["severity"][category]``; livelihood and health weigh most, marriage least).
``dependants``
    ``weights["dependant"]`` per member other than the head who is under 18, 65 or older, or has a
    disability: people who depend on others' income.
``income``
    when the monthly income per person is below ``weights["income_threshold_per_head"]`` (rials):
    ``weights["income_shortfall"] × (threshold − income per person) / threshold`` — the full weight for no
    income at all, nothing at the threshold or above.
``disability``
    ``weights["disability"]`` per member (the head included) with a disability.
``orphans``
    ``weights["orphan"]`` per orphan member.
``rural``
    ``weights["rural"]`` when the household lives in a rural area.
``insurance``
    ``weights["no_insurance"]`` when nobody in the household is insured.
``housing``
    ``weights["housing"][situation]``: most for no housing at all, then informal settlements, relatives,
    renting; nothing for an owned home.

Worked examples with the default weights (``beneficiaries/tests/test_priority.py`` checks each one):

1. A rural widow (head, 40, no disability) with three children of 5, 9 and 12, all orphans, income
   6,000,000 rials a month, no insurance, renting, assessed livelihood 4 and orphan care 3:
   needs 4×10 + 3×8 = 64; dependants 3×4 = 12; income per person 1,500,000 against 20,000,000:
   30 × 18,500,000 / 20,000,000 = 27.75 → 28; orphans 3×6 = 18; rural 6; no insurance 6; renting 3.
   Score **137**.
2. An urban couple (45 and 43) owning their home, social-security insured, income 80,000,000 rials, one
   child of 16, assessed debt 2: needs 2×6 = 12; dependants 1×4 = 4; income per person 26,666,666 is above
   the threshold: 0. Score **16**.
3. A single man of 30 with a disability, without housing, no income, no insurance, urban, assessed health 5
   and employment 4: needs 5×10 + 4×8 = 82; dependants 0 (the head is not his own dependant); income 30;
   disability 8; no insurance 6; housing 15. Score **141**.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_WEIGHTS: dict = {
    "severity": {  # points per severity level (1-5) of the category's current assessment
        "livelihood": 10,
        "health": 10,
        "housing": 8,
        "orphan_care": 8,
        "employment": 8,  # seed 002: employment and empowerment are the centers' first priority
        "debt": 6,
        "education": 5,
        "marriage": 4,
    },
    "dependant": 4,
    "dependant_under_age": 18,
    "dependant_from_age": 65,
    "income_threshold_per_head": 20_000_000,  # rials a month per person
    "income_shortfall": 30,
    "disability": 8,
    "orphan": 6,
    "rural": 6,
    "no_insurance": 6,
    "housing": {"homeless": 15, "informal": 10, "relatives": 4, "rented": 3, "owned": 0},
    "reassess_after_days": 180,  # default reassessment due date after an assessment
}


# How each part is named on the household's page.
PART_LABELS = {
    "needs": _("needs"), "dependants": _("dependants"), "income": _("low income"), "disability": _("disability"),
    "orphans": _("orphans"), "rural": _("rural"), "insurance": _("no insurance"), "housing": _("housing"),
}


def weights() -> dict:
    """The defaults with the deployment's overrides merged in (one level deep for the nested tables)."""
    merged = copy.deepcopy(DEFAULT_WEIGHTS)
    for key, value in (getattr(settings, "BENEFICIARY_PRIORITY_WEIGHTS", None) or {}).items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True)
class PersonFacts:
    age: int
    is_head: bool = False
    has_disability: bool = False
    is_orphan: bool = False


@dataclass(frozen=True)
class HouseholdFacts:
    """What the rule reads, as plain data (so the rule is a pure function, testable without a database)."""

    people: tuple[PersonFacts, ...]
    monthly_income: int
    rural: bool
    insured: bool
    housing: str
    severities: Mapping[str, int] = field(default_factory=dict)  # category -> severity of the current one


@dataclass(frozen=True)
class Priority:
    score: int
    parts: dict[str, int]


def compute(facts: HouseholdFacts, w: Mapping | None = None) -> Priority:
    """The score and its parts for ``facts`` (see the module docstring for the rule and examples)."""
    w = w or weights()
    parts: dict[str, int] = {}
    parts["needs"] = round(sum(severity * w["severity"].get(category, 0)
                               for category, severity in facts.severities.items()))
    parts["dependants"] = round(w["dependant"] * sum(
        1 for p in facts.people if not p.is_head
        and (p.age < w["dependant_under_age"] or p.age >= w["dependant_from_age"] or p.has_disability)))
    threshold = w["income_threshold_per_head"]
    per_head = facts.monthly_income / max(len(facts.people), 1)
    parts["income"] = round(w["income_shortfall"] * (threshold - per_head) / threshold) if per_head < threshold else 0
    parts["disability"] = round(w["disability"] * sum(1 for p in facts.people if p.has_disability))
    parts["orphans"] = round(w["orphan"] * sum(1 for p in facts.people if p.is_orphan))
    parts["rural"] = round(w["rural"]) if facts.rural else 0
    parts["insurance"] = 0 if facts.insured else round(w["no_insurance"])
    parts["housing"] = round(w["housing"].get(facts.housing, 0))
    return Priority(score=max(sum(parts.values()), 0), parts=parts)


def facts_for(household, members: Iterable, current_assessments: Iterable,
              on: datetime.date | None = None) -> HouseholdFacts:
    """The facts of a stored household, its members and its current assessments."""
    on = on or datetime.date.today()  # noqa: DTZ011 - ages are counted in whole days
    return HouseholdFacts(
        people=tuple(PersonFacts(age=m.age(on), is_head=m.relation == "head", has_disability=m.has_disability,
                                 is_orphan=m.is_orphan) for m in members),
        monthly_income=household.monthly_income,
        rural=household.area == "rural",
        insured=household.insurance != "none",
        housing=household.housing,
        severities={a.category: a.severity for a in current_assessments},
    )
