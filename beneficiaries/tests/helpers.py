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
