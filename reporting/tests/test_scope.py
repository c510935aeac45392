import pytest
from django_scopes import scopes_disabled

from centers.access import actor_for
from centers.models import County
from reporting.scope import Scope, scope_allowed, scopes_for_user


@pytest.mark.parametrize("text", ["center:5", "county:40", "province:12", "province:12@2", "nation", "nation@1"])
def test_string_form_parses_back(text):
    assert str(Scope.parse(text)) == text


@pytest.mark.parametrize("text", ["center", "nation:3", "city:4", "center:5@2", "province:x"])
def test_bad_scopes_are_refused(text):
    with pytest.raises(ValueError):
        Scope.parse(text)


@pytest.fixture
def region(world):
    county = world.county()
    with scopes_disabled():
        other_county = County.objects.exclude(province=county.province).first()
    return {
        "a": world.center(county=county),
        "b": world.center(county=county, organization=world.welfare),
        "far": world.center(county=other_county),
        "county": county,
        "world": world,
    }


def test_center_ids_follow_county_province_and_organisation(region):
    a, b, far, county = region["a"], region["b"], region["far"], region["county"]
    assert {a.pk, b.pk} <= set(Scope("county", county.pk).center_ids())
    assert far.pk not in Scope("province", county.province_id).center_ids()
    relief = Scope("province", county.province_id, a.organization_id).center_ids()
    assert a.pk in relief and b.pk not in relief
    assert {a.pk, b.pk, far.pk} <= set(Scope.nation().center_ids())
    assert Scope.center(a.pk).center_ids() == [a.pk]


def test_trustee_sees_own_center_only(region):
    world, a, b = region["world"], region["a"], region["b"]
    actor = actor_for(world.trustee(a), second_factor_passed=False)
    assert scopes_for_user(actor) == [Scope.center(a.pk)]
    assert scope_allowed(actor, Scope.center(a.pk))
    assert not scope_allowed(actor, Scope.center(b.pk))
    assert not scope_allowed(actor, Scope("county", region["county"].pk))


def test_supervisor_sees_their_organisations_region(region):
    world, a, b, far = region["world"], region["a"], region["b"], region["far"]
    user = world.supervisor(level="province")
    actor = actor_for(user, second_factor_passed=True)
    province = region["county"].province_id
    assert scopes_for_user(actor) == [Scope("province", province, world.relief.pk)]
    assert scope_allowed(actor, Scope.center(a.pk))
    assert scope_allowed(actor, Scope("county", region["county"].pk, world.relief.pk))
    assert not scope_allowed(actor, Scope("county", region["county"].pk))  # would include the welfare center b
    assert not scope_allowed(actor, Scope.center(b.pk))
    assert not scope_allowed(actor, Scope.center(far.pk))
    # without the second factor a supervisor has no region at all
    assert scopes_for_user(actor_for(user, second_factor_passed=False)) == []


def test_national_administrator_sees_the_nation(region):
    user = region["world"].user(is_superuser=True, is_staff=True)
    actor = actor_for(user, second_factor_passed=True)
    assert scopes_for_user(actor)[0] == Scope.nation()
    assert scope_allowed(actor, Scope("county", region["county"].pk))


def test_labels_name_the_region(region):
    county = region["county"]
    assert county.name in Scope("county", county.pk).label()
    assert region["a"].name == Scope.center(region["a"].pk).label()
