"""Registering households and members, assessing and closing: bad input is refused and stores nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import override
from django_scopes import scope, scopes_disabled

from beneficiaries import services
from beneficiaries.models import Assessment, Household, Member
from centers.access import actor_for
from centers.models import BoardRole
from contributions.tests.conftest import license_center

from .helpers import national_code, person, register

pytestmark = pytest.mark.django_db


def _counts():
    with scopes_disabled():
        return Household.objects.count(), Member.objects.count(), Assessment.objects.count()


def test_register_stores_household_head_and_members(world, center, vice_chair):
    household = register(center, vice_chair, head_code=national_code(31), members=[
        person("علی", code=national_code(32), relation="child", gender="male", is_orphan=True),
        person("زهرا", relation="child")])
    with scope(center=[center.pk]):
        members = list(household.members.order_by("pk"))
    assert [m.relation for m in members] == ["head", "child", "child"]
    assert household.head_id == members[0].pk and household.created_by == vice_chair
    assert members[2].national_code_index == "" and members[2].national_code_ciphertext == ""
    assert household.priority_score > 0


@pytest.mark.parametrize(("change", "code"), [
    ({"consent_on": None}, "consent_required"),
    ({"consent_on": timezone.localdate() + datetime.timedelta(days=1)}, "consent_required"),
    ({"monthly_income": -1}, "bad_income"),
    ({"housing": "castle"}, "bad_housing"),
    ({"supporting_organizations": ["relief_committee", "nobody"]}, "bad_supporter"),
    ({"address": "  "}, "address_required"),
    ({"mobile": "0812"}, "invalid_format"),
    ({"head_code": "1234567890"}, "invalid_checksum"),
    ({"head_code": ""}, "head_national_code_required"),
    ({"members": [person(birth=(2090, 1, 1))]}, "bad_birth_date"),
    ({"members": [person(code=national_code(33)), person("نرگس", code=national_code(33))]},
     "duplicate_national_code"),
    ({"members": [person(relation="head")]}, "two_heads"),
])
def test_bad_input_is_refused_and_stores_nothing(world, center, vice_chair, change, code):
    before = _counts()
    kwargs = {"head_code": national_code(34), **change}
    with override("en"), pytest.raises(ValidationError) as refused:
        register(center, vice_chair, **kwargs)
    assert refused.value.error_list[0].code == code
    assert _counts() == before


def test_a_person_is_registered_once_per_center_but_may_be_at_two_centers(world, center, vice_chair):
    register(center, vice_chair, head_code=national_code(35))
    with override("en"), pytest.raises(ValidationError) as refused:
        register(center, vice_chair, head_code=national_code(36), members=[person(code=national_code(35))])
    assert refused.value.error_list[0].code == "already_registered"
    assert "already registered at this center" in refused.value.messages[0]
    other = license_center(world.center())
    register(other, world.trustee(other, BoardRole.VICE_CHAIR), head_code=national_code(35))
    with scopes_disabled():
        assert Member.objects.filter(national_code_index=Member.objects.first().national_code_index).count() == 2


def test_a_center_that_cannot_operate_registers_nobody(world):
    unlicensed = world.center()  # status licensed, but no license valid today
    trustee = world.trustee(unlicensed, BoardRole.VICE_CHAIR)
    with pytest.raises(ValidationError) as refused:
        register(unlicensed, trustee, head_code=national_code(37))
    assert refused.value.error_list[0].code == "center_cannot_operate"
    assert _counts() == (0, 0, 0)


def test_roles_outsiders_and_supervisors(world, center, vice_chair):
    donor_officer = world.trustee(center, BoardRole.DONOR_RELATIONS_MEN)
    finance = world.trustee(center, BoardRole.FINANCE_OFFICER)
    outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
    for user, error in ((donor_officer, PermissionDenied), (finance, PermissionDenied), (outsider, Http404)):
        with pytest.raises(error):
            register(center, user, head_code=national_code(38))
    assert _counts() == (0, 0, 0)
    social_worker = world.trustee(center, BoardRole.SOCIAL_WORK_OFFICER)
    assert register(center, social_worker, head_code=national_code(38)).pk


def test_member_add_assess_and_close(world, center, vice_chair):
    household = register(center, vice_chair, head_code=national_code(39))
    actor = actor_for(vice_chair, second_factor_passed=True)
    with scope(center=[center.pk]):
        before = Household.objects.get(pk=household.pk).priority_score
        services.member_add(actor=actor, household=household,
                            person=person("مهدی", relation="parent", gender="male", birth=(1950, 1, 1),
                                          has_disability=True))
        assert Household.objects.get(pk=household.pk).priority_score > before
        with override("en"), pytest.raises(ValidationError) as refused:
            services.assessment_record(actor=actor, household=household, category="debt", severity=6,
                                       evidence="x", assessed_on=datetime.date(2025, 1, 1))
        assert refused.value.error_list[0].code == "bad_severity"
        with pytest.raises(ValidationError):
            services.assessment_record(actor=actor, household=household, category="debt", severity=3,
                                       evidence="x", assessed_on=datetime.date(2025, 1, 1),
                                       next_due_on=datetime.date(2024, 1, 1))
        assert not Assessment.objects.filter(household=household).exists()
        services.household_close(actor=actor, household=household, reason="مهاجرت به شهر دیگر")
        household.refresh_from_db()
        assert household.status == "closed" and household.closed_on == timezone.localdate()
        with pytest.raises(ValidationError):
            services.assessment_record(actor=actor, household=household, category="debt", severity=3,
                                       evidence="x", assessed_on=datetime.date(2025, 1, 1))
