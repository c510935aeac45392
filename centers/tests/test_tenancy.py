import pytest
from django_scopes import ScopeError, scope, scopes_disabled

from centers.access import Action, actor_for, may
from centers.models import BoardRole, Center, TrusteeAppointment

pytestmark = pytest.mark.django_db


def test_query_on_tenant_model_outside_any_scope_raises(world):
    world.trustee(world.center())
    with pytest.raises(ScopeError):
        list(TrusteeAppointment.objects.all())
    with pytest.raises(ScopeError):
        Center.objects.count()


def test_scope_narrows_to_the_given_centers(world):
    mine, other = world.center(), world.center()
    world.trustee(mine)
    world.trustee(other)
    with scope(center=[mine.pk]):
        assert list(Center.objects.values_list("pk", flat=True)) == [mine.pk]
        assert {a.center_id for a in TrusteeAppointment.objects.all()} == {mine.pk}
        assert not Center.objects.filter(pk=other.pk).exists()


def test_empty_scope_sees_nothing(world):
    world.trustee(world.center())
    with scope(center=[]):
        assert TrusteeAppointment.objects.count() == 0


def test_trustee_actor_holds_their_center_and_roles(world):
    center = world.center()
    user = world.trustee(center, BoardRole.FINANCE_OFFICER)
    actor = actor_for(user, second_factor_passed=False)
    assert actor.center_ids == {center.pk}
    assert actor.roles_at(center.pk) == {BoardRole.FINANCE_OFFICER}
    assert may(actor, Action.VIEW, center)
    assert not may(actor, Action.MANAGE_BOARD, center)
    assert not may(actor, Action.SUPERVISE, center)


def test_chair_may_manage_the_board(world):
    center = world.center()
    actor = actor_for(world.trustee(center, BoardRole.CHAIR), second_factor_passed=False)
    assert may(actor, Action.MANAGE_BOARD, center)


def test_province_supervisor_sees_their_organisations_centers_in_the_province(world):
    isfahan_relief = world.center()
    kashan_relief = world.center(county=world.county("کاشان"))
    isfahan_welfare = world.center(organization=world.welfare)
    tehran_relief = world.center(county=world.county("تهران", "تهران"))
    supervisor = world.supervisor(level="province")
    actor = actor_for(supervisor, second_factor_passed=True)
    assert actor.center_ids == {isfahan_relief.pk, kashan_relief.pk}
    assert may(actor, Action.SUPERVISE, kashan_relief)
    assert not may(actor, Action.VIEW, isfahan_welfare)
    assert not may(actor, Action.VIEW, tehran_relief)


def test_county_supervisor_sees_only_their_county(world):
    here = world.center()
    there = world.center(county=world.county("کاشان"))
    actor = actor_for(world.supervisor(level="county"), second_factor_passed=True)
    assert actor.center_ids == {here.pk}
    assert there.pk not in actor.center_ids


def test_national_supervisor_sees_every_center_of_their_organisation(world):
    a = world.center()
    b = world.center(county=world.county("تهران", "تهران"))
    c = world.center(organization=world.welfare)
    actor = actor_for(world.supervisor(level="national"), second_factor_passed=True)
    assert {a.pk, b.pk} <= actor.center_ids
    assert c.pk not in actor.center_ids


def test_supervisor_without_second_factor_gets_no_supervisor_scope(world):
    world.center()
    actor = actor_for(world.supervisor(level="province"), second_factor_passed=False)
    assert actor.center_ids == frozenset()
    assert actor.needs_second_factor


def test_ended_appointment_gives_no_access(world):
    center = world.center()
    user = world.trustee(center)
    with scopes_disabled():
        TrusteeAppointment.objects.filter(user=user).update(status=TrusteeAppointment.Status.ENDED)
    assert actor_for(user, second_factor_passed=False).center_ids == frozenset()


def test_inactive_user_is_anonymous(world):
    center = world.center()
    user = world.trustee(center)
    user.is_active = False
    assert not actor_for(user, second_factor_passed=False).is_authenticated
