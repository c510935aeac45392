"""Overlap across centers (issue 5, point 7): a supervisor sees the people registered at more than one of their
centers, and only those; a center learns only a boolean, through a SECURITY DEFINER function that also answers
under the row-level-security role."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from beneficiaries import crypto, rls, selectors
from beneficiaries.demo.households import OVERLAP_CODES
from beneficiaries.models import Household, Member
from centers.access import Actor, actor_for
from centers.models import BoardRole, Center
from conftest import login
from contributions.tests.conftest import license_center
from core.digits import to_persian_digits

from .helpers import national_code, register

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
YEAR = (TODAY - datetime.timedelta(days=365), TODAY)
NOTICE = 'class="notice served-elsewhere"'


def _masked(code):
    return crypto.mask(code)


def _shown(code):
    """The masked code as a page shows it (Persian digits)."""
    return to_persian_digits(crypto.mask(code))


def _served_elsewhere_as_app_role(index, own_center_id, center_ids):
    """Calls the SQL function as ``charity_app_rls`` with only ``center_ids`` visible to the caller."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {rls.APP_ROLE}")
        try:
            rls.apply(connection, center_ids)
            cursor.execute("SELECT count(*) FROM beneficiaries_member WHERE national_code_index = %s", [index])
            visible = cursor.fetchone()[0]
            cursor.execute("SELECT beneficiaries_served_elsewhere(%s::text[], %s)", [[index], own_center_id])
            return visible, cursor.fetchone()[0]
        finally:
            cursor.execute("RESET ROLE")


def test_demo_overlaps_are_found_and_nothing_else(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        every_center = frozenset(Center.objects.values_list("pk", flat=True))
        slugs = dict(Center.objects.values_list("name", "slug"))
    national = Actor(user=None, supervised_center_ids=every_center)
    groups = selectors.overlapping_households(actor=national, period_start=YEAR[0], period_end=YEAR[1])
    assert sorted(g.masked_code for g in groups) == sorted(_masked(c) for c in OVERLAP_CODES)
    assert {frozenset(slugs[n] for n in g.center_names) for g in groups} == {
        frozenset({"isf-jame", "isf-hakim"}), frozenset({"kashan-agha-bozorg", "najafabad-jame"})}
    for group in groups:
        assert len(group.entries) == 2 and {e.masked_code for e in group.entries} == {group.masked_code}

    # A center is told a boolean: the two overlapping heads' households, and no other household.
    with scopes_disabled():
        households = list(Household.objects.select_related("head", "center").prefetch_related("members"))
    overlap_indexes = {crypto.blind_index(c) for c in OVERLAP_CODES}
    for household in households:
        assert selectors.also_served_elsewhere(household) == (household.head.national_code_index in overlap_indexes)

    # The trustee's page shows the notice and nothing of where: no other center's name, no supervisor page.
    login(client, get_user_model().objects.get(username="isf-jame-vice-chair"))
    shared = next(h for h in households if h.center.slug == "isf-jame"
                  and h.head.national_code_index in overlap_indexes)
    alone = next(h for h in households if h.center.slug == "isf-jame" and h.head.national_code_index
                 not in overlap_indexes)
    page = client.get(reverse("beneficiaries:household-detail", args=["isf-jame", shared.pk])).content.decode()
    assert NOTICE in page
    assert next(h.center.name for h in households if h.center.slug == "isf-hakim") not in page
    other = client.get(reverse("beneficiaries:household-detail", args=["isf-jame", alone.pk])).content.decode()
    assert NOTICE not in other
    assert client.get(reverse("beneficiaries:overlap-list")).status_code == 404


@pytest.fixture
def overlap(world):
    """The same head registered at two Isfahan centers, one more person at only one, a Tehran center."""
    first, second = license_center(world.center()), license_center(world.center())
    code = national_code(777)
    trustee = world.trustee(first, BoardRole.VICE_CHAIR)
    a = register(first, trustee, head_code=code)
    b = register(second, world.trustee(second, BoardRole.VICE_CHAIR), head_code=code)
    register(first, trustee, head_code=national_code(778))
    return first, second, a, b, code


def test_supervisor_page_lists_the_group_and_the_outsider_sees_none(world, client, overlap):
    first, second, _a, _b, code = overlap
    supervisor = world.supervisor(level="province")
    login(client, supervisor)
    page = client.get(reverse("beneficiaries:overlap-list")).content.decode()
    assert page.count(_shown(code)) == 1 and first.name in page and second.name in page
    assert _shown(national_code(778)) not in page and code not in page
    assert reverse("beneficiaries:household-list", args=[first.slug]) not in page  # links to no file

    outsider = world.supervisor(level="province", province=world.county("تهران", "تهران").province)
    assert selectors.overlapping_households(actor=actor_for(outsider, second_factor_passed=True),
                                            period_start=YEAR[0], period_end=YEAR[1]) == []
    client.logout()
    login(client, outsider)
    page = client.get(reverse("beneficiaries:overlap-list")).content.decode()
    assert _shown(code) not in page and first.name not in page

    # A supervisor of another organisation in the same province oversees neither center.
    welfare = world.supervisor(level="province", organization=world.welfare)
    assert selectors.overlapping_households(actor=actor_for(welfare, second_factor_passed=True),
                                            period_start=YEAR[0], period_end=YEAR[1]) == []
    # Nor does a county supervisor who oversees only one of the two.
    world_county = world.county()
    with scopes_disabled():
        Center.objects.filter(pk=second.pk).update(county=world.county("کاشان", "اصفهان"))
    county = world.supervisor(level="county", county=world_county)
    assert selectors.overlapping_households(actor=actor_for(county, second_factor_passed=True),
                                            period_start=YEAR[0], period_end=YEAR[1]) == []


def test_closed_and_out_of_period_households_do_not_count(world, overlap):
    first, second, _a, b, _code = overlap
    actor = actor_for(world.supervisor(level="province"), second_factor_passed=True)
    with scopes_disabled():
        Household.objects.filter(pk=b.pk).update(status=Household.Status.CLOSED, closed_on=TODAY,
                                                 closed_reason="x")
    # Closed but registered within the period: still counted; a period that ends before it: not.
    assert len(selectors.overlapping_households(actor=actor, period_start=YEAR[0], period_end=YEAR[1])) == 1
    past = TODAY - datetime.timedelta(days=400)
    assert selectors.overlapping_households(actor=actor, period_start=past, period_end=past) == []
    # The center is told only about *active* households elsewhere.
    with scope(center=[first.pk]):
        a = Household.objects.get(center=first, head__national_code_index=crypto.blind_index(_code))
        assert selectors.also_served_elsewhere(a) is False


def test_sql_function_answers_under_the_rls_role_with_a_boolean_only(overlap):
    first, second, _a, _b, code = overlap
    index = crypto.blind_index(code)
    # The app role with only the first center set sees one row (its own) but learns the other exists.
    assert _served_elsewhere_as_app_role(index, first.pk, [first.pk]) == (1, True)
    assert _served_elsewhere_as_app_role(crypto.blind_index(national_code(778)), first.pk, [first.pk]) == (1, False)
    # The app role cannot turn on the owner's probe setting to see the other center's rows itself.
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {rls.APP_ROLE}")
        try:
            rls.apply(connection, [first.pk])
            cursor.execute("SELECT set_config('app.overlap_probe', 'on', true)")
            cursor.execute("SELECT count(*) FROM beneficiaries_member WHERE national_code_index = %s", [index])
            assert cursor.fetchone()[0] == 1
        finally:
            cursor.execute("RESET ROLE")
    # And the function restores the caller's setting on exit.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.overlap_probe', 'off', true)")
        cursor.execute("SELECT beneficiaries_served_elsewhere(%s::text[], %s)", [[index], first.pk])
        served = cursor.fetchone()[0]
        cursor.execute("SELECT current_setting('app.overlap_probe', true)")
        probe = cursor.fetchone()[0]
    assert served is True and probe == "off"
    with scopes_disabled():
        assert Member.objects.filter(national_code_index=index).count() == 2


def test_a_closed_household_served_in_the_period_counts(world, overlap):
    """Served is enough: a household closed since, registered long before the period, but given aid in it."""
    from beneficiaries.services import distributions
    from contributions.services import gifts

    first, second, _a, b, _code = overlap
    actor = actor_for(world.supervisor(level="province"), second_factor_passed=True)
    long_ago = TODAY - datetime.timedelta(days=800)
    served_on = TODAY - datetime.timedelta(days=400)
    chair = actor_for(world.trustee(second, BoardRole.CHAIR), second_factor_passed=True)
    with scope(center=[second.pk]):
        gifts.contribution_record_cash(center=second, purpose="food", amount=2_000_000, received_on=served_on)
        distributions.distribution_record_cash(actor=chair, household=b, purpose="food", amount=1_000_000,
                                               occurred_on=served_on)
    with scopes_disabled():
        Household.objects.filter(pk=b.pk).update(status=Household.Status.CLOSED, closed_on=TODAY,
                                                 closed_reason="x")
        Household.objects.filter(center=second).update(created_at=datetime.datetime(2024, 1, 1,
                                                                                    tzinfo=datetime.UTC))
        Household.objects.filter(center=first).update(created_at=datetime.datetime(2024, 1, 1,
                                                                                   tzinfo=datetime.UTC))
    window = (served_on - datetime.timedelta(days=10), served_on + datetime.timedelta(days=10))
    assert long_ago < window[0]
    assert len(selectors.overlapping_households(actor=actor, period_start=window[0], period_end=window[1])) == 1
    later = (TODAY - datetime.timedelta(days=100), TODAY - datetime.timedelta(days=90))
    # In a later period the closed household was neither registered, assessed nor served.
    assert selectors.overlapping_households(actor=actor, period_start=later[0], period_end=later[1]) == []
