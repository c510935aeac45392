"""Row-level security: even a raw SQL query through the application's role, with another center set,
returns none of this center's households, members or assessments."""

import datetime

import pytest
from django.db import connection
from django_scopes import scope

from beneficiaries import rls, services
from centers.access import actor_for
from centers.models import BoardRole
from contributions.tests.conftest import license_center

from .helpers import national_code, register

pytestmark = pytest.mark.django_db


def _as_app_role(center_ids, sql, params=()):
    """Runs ``sql`` as ``charity_app_rls`` with ``app.center_ids`` set, inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {rls.APP_ROLE}")
        try:
            rls.apply(connection, center_ids)
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.execute("RESET ROLE")


@pytest.fixture
def two_centers(world):
    mine, theirs = license_center(world.center()), license_center(world.center())
    trustee = world.trustee(mine, BoardRole.VICE_CHAIR)
    household = register(mine, trustee, head_code=national_code(11))
    with scope(center=[mine.pk]):
        services.assessment_record(actor=actor_for(trustee, second_factor_passed=True), household=household,
                                   category="livelihood", severity=4, evidence="بدون درآمد ثابت",
                                   assessed_on=datetime.date(2025, 2, 1))
    register(theirs, world.trustee(theirs, BoardRole.VICE_CHAIR), head_code=national_code(12))
    return mine, theirs, household


@pytest.mark.parametrize("table", rls.TABLES)
def test_app_role_with_another_center_set_sees_none_of_this_centers_rows(two_centers, table):
    mine, theirs, _household = two_centers
    query = f"SELECT count(*) FROM {table} WHERE center_id = %s"  # noqa: S608 - table names are constants
    assert _as_app_role([theirs.pk], query, [mine.pk]) == [(0,)]
    assert _as_app_role([], query, [mine.pk]) == [(0,)]
    # The same query with this center set does see them: the zero above is the policy, not an empty table.
    assert _as_app_role([mine.pk], query, [mine.pk])[0][0] >= 1
    # And the superuser the tests connect as is not bound (as PostgreSQL documents), hence the app role.
    with connection.cursor() as cursor:
        cursor.execute(query, [mine.pk])
        assert cursor.fetchone()[0] >= 1


def test_app_role_cannot_change_another_centers_rows(two_centers):
    mine, theirs, household = two_centers
    rows = _as_app_role([theirs.pk], "UPDATE beneficiaries_household SET village = 'x' WHERE id = %s RETURNING id",
                        [household.pk])
    assert rows == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT village FROM beneficiaries_household WHERE id = %s", [household.pk])
        assert cursor.fetchone()[0] != "x"


def test_the_table_owner_is_bound_too_and_the_role_is_not_the_owner():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, relrowsecurity, relforcerowsecurity, pg_get_userbyid(relowner) "
                       "FROM pg_class WHERE relname = ANY(%s)", [list(rls.TABLES)])
        rows = cursor.fetchall()
        cursor.execute("SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = %s", [rls.APP_ROLE])
        role = cursor.fetchone()
    assert len(rows) == 3
    assert all(enabled and forced and owner != rls.APP_ROLE for _name, enabled, forced, owner in rows)
    assert role == (False, False)


def test_the_services_set_the_scope_for_the_transaction(world, center_pair=None):
    center = license_center(world.center())
    trustee = world.trustee(center, BoardRole.CHAIR)
    register(center, trustee, head_code=national_code(13))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.center_ids', true)")
        assert cursor.fetchone()[0] == str(center.pk)
