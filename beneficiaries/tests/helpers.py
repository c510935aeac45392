"""Builders for beneficiary tests (and the isolation walker): households registered through the service."""

import datetime

from django_scopes import scope

from beneficiaries import services
from beneficiaries.models import Household
from centers.access import actor_for
from core.validators import national_code_check_digit


def national_code(n: int) -> str:
    """A valid national code from a number (nine digits + the check digit)."""
    first9 = f"{n:09d}"
    return first9 + str(national_code_check_digit(first9))


def person(first="زهرا", last="کاظمی", *, code="", relation="child", gender="female", birth=(2015, 5, 1), **extra):
    return services.MemberInput(first_name=first, last_name=last, national_code=code, relation=relation,
                                gender=gender, birth_date=datetime.date(*birth), **extra)


def register(center, user, *, head_code, head_first="مریم", head_last="رضایی", members=(), mobile="09121234567",
             **extra) -> Household:
    """Registers a household at ``center`` as ``user`` (who must manage beneficiaries there)."""
    actor = actor_for(user, second_factor_passed=True)
    defaults = dict(address="اصفهان، محله جلفا، کوچه ۱۲", county=center.county, housing="rented",
                    consent_on=datetime.date(2025, 1, 10), area="urban", monthly_income=6_000_000)
    defaults.update(extra)
    with scope(center=[center.pk]):
        return services.household_register(
            actor=actor, center=center,
            head=person(head_first, head_last, code=head_code, relation="head", birth=(1985, 3, 2)),
            members=list(members), mobile=mobile, **defaults)


def isolation_objects(center, user, *, head_name: str, evidence: str, code_seed: int) -> dict:
    """A household with a head and one assessment at ``center``, written directly (a fixture, no license
    needed), for tests/test_isolation.py: returns the URL keyword and API basename values."""
    from django_scopes import scopes_disabled

    from beneficiaries import crypto
    from beneficiaries.models import Assessment, Member

    code = national_code(code_seed)
    with scopes_disabled():  # reviewed: a test fixture building one center's rows
        household = Household.objects.create(
            center=center, address="نشانی‌محرمانه", county=center.county, housing="rented",
            consent_on=datetime.date(2025, 1, 1), created_by=user,
            mobile_ciphertext=crypto.encrypt("09131234567", purpose=crypto.MOBILE))
        head = Member.objects.create(
            center=center, household=household, relation="head", first_name=head_name, last_name="خانوار",
            national_code_ciphertext=crypto.encrypt(code, purpose=crypto.NATIONAL_CODE),
            national_code_index=crypto.blind_index(code), gender="female", birth_date=datetime.date(1980, 1, 1))
        household.head = head
        household.save(update_fields=["head"])
        assessment = Assessment.objects.create(
            center=center, household=household, category="livelihood", severity=4, evidence=evidence,
            assessed_on=datetime.date(2025, 2, 1), next_due_on=datetime.date(2025, 8, 1), assessed_by=user)
    return {"household_id": household.pk, "api": {"household": household.pk, "assessment": assessment.pk},
            "code": code}
