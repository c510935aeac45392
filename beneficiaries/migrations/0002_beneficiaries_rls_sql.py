"""Row-level security on the household tables (SQL only; see beneficiaries/rls.py).

Each table gets RLS enabled and FORCEd (so its owner is bound too; superusers never are) and one policy:
a row is visible and writable only when its center_id is in the transaction's ``app.center_ids``. The
non-owner role ``charity_app_rls`` (NOLOGIN; production's login role is made a member of it) is created when
missing — roles belong to the whole server, so the test database created beside the main one finds it there —
and may SELECT, INSERT and UPDATE these tables (never DELETE) and append to their history tables.
"""

from django.db import migrations

TABLES = ("beneficiaries_household", "beneficiaries_member", "beneficiaries_assessment")
HISTORY = ("beneficiaries_householdevent", "beneficiaries_memberevent", "beneficiaries_assessmentevent",
           "beneficiaries_identifierreveal")
ROLE = "charity_app_rls"
CENTERS = "string_to_array(NULLIF(current_setting('app.center_ids', true), ''), ',')::bigint[]"

forward = [
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
            CREATE ROLE {ROLE} NOLOGIN;
        END IF;
    END $$;""",
]
backward = []
for table in TABLES:
    forward += [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;",
        f"CREATE POLICY {table}_center ON {table} USING (center_id = ANY ({CENTERS})) "
        f"WITH CHECK (center_id = ANY ({CENTERS}));",
        f"GRANT SELECT, INSERT, UPDATE ON {table} TO {ROLE};",
    ]
    backward += [
        f"REVOKE ALL ON {table} FROM {ROLE};",
        f"DROP POLICY IF EXISTS {table}_center ON {table};",
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;",
    ]
for table in HISTORY:
    forward.append(f"GRANT SELECT, INSERT ON {table} TO {ROLE};")
    backward.append(f"REVOKE ALL ON {table} FROM {ROLE};")
forward.append(f"GRANT SELECT, INSERT ON pghistory_context TO {ROLE};")
forward.append(f"GRANT UPDATE ON pghistory_context TO {ROLE};")
backward.append(f"REVOKE ALL ON pghistory_context FROM {ROLE};")


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0001_households")]

    operations = [migrations.RunSQL(sql=forward, reverse_sql=list(reversed(backward)))]
