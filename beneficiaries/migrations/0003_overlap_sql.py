"""Overlap across centers (SQL only; see beneficiaries.selectors.also_served_elsewhere).

``beneficiaries_served_elsewhere(indexes text[], own_center bigint) RETURNS boolean`` tells a center whether
any of these blind indexes belongs to a member of an *active* household at another center — a boolean and
nothing else. It is SECURITY DEFINER so it answers under the non-owner role ``charity_app_rls``, whose RLS
setting holds only the caller's centers. Its owner (the role that runs the migrations, the tables' owner) is
itself bound by the FORCEd policies unless it is a superuser, so a second, SELECT-only policy lets *that role
only* (``TO CURRENT_USER`` at migration time, never the app role) see the rows while the setting
``app.overlap_probe`` is on — which the function's own ``SET`` clause turns on for its duration and restores on
exit. The app role cannot use it: the policy is not for it. EXECUTE is revoked from PUBLIC and granted to
``charity_app_rls``; ``search_path`` is pinned, as a definer function must.
"""

from django.db import migrations

ROLE = "charity_app_rls"
PROBE = "current_setting('app.overlap_probe', true) = 'on'"

forward = [
    f"CREATE POLICY beneficiaries_member_overlap ON beneficiaries_member FOR SELECT TO CURRENT_USER USING ({PROBE});",
    f"CREATE POLICY beneficiaries_household_overlap ON beneficiaries_household FOR SELECT TO CURRENT_USER "
    f"USING ({PROBE});",
    """CREATE FUNCTION beneficiaries_served_elsewhere(indexes text[], own_center bigint) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path = pg_catalog, public
        SET app.overlap_probe = 'on'
        AS $$
            SELECT EXISTS (
                SELECT 1 FROM beneficiaries_member m
                JOIN beneficiaries_household h ON h.id = m.household_id
                WHERE m.national_code_index = ANY (indexes) AND m.national_code_index <> ''
                  AND m.center_id <> own_center AND h.center_id <> own_center AND h.status = 'active'
            )
        $$;""",
    "REVOKE ALL ON FUNCTION beneficiaries_served_elsewhere(text[], bigint) FROM PUBLIC;",
    f"GRANT EXECUTE ON FUNCTION beneficiaries_served_elsewhere(text[], bigint) TO {ROLE};",
]
backward = [
    "DROP FUNCTION IF EXISTS beneficiaries_served_elsewhere(text[], bigint);",
    "DROP POLICY IF EXISTS beneficiaries_household_overlap ON beneficiaries_household;",
    "DROP POLICY IF EXISTS beneficiaries_member_overlap ON beneficiaries_member;",
]


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0002_beneficiaries_rls_sql")]

    operations = [migrations.RunSQL(sql=forward, reverse_sql=backward)]
