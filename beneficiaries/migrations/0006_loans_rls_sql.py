"""Row-level security on the loan and plan tables (SQL only), the same wall as the household tables
(0002): guarantors are third parties and as confidential as the household, and every row points at a
household. Each table gets RLS enabled and FORCEd with one policy (center_id in ``app.center_ids``), and the
application role ``charity_app_rls`` (created by 0002) may SELECT, INSERT and UPDATE it, and append to the
history tables."""

from django.db import migrations

TABLES = ("beneficiaries_loan", "beneficiaries_loanguarantor", "beneficiaries_loaninstalment",
          "beneficiaries_loanrepayment", "beneficiaries_empowermentplan", "beneficiaries_planmilestone",
          "beneficiaries_planfunding")
HISTORY = ("beneficiaries_loanevent", "beneficiaries_empowermentplanevent")
ROLE = "charity_app_rls"
CENTERS = "string_to_array(NULLIF(current_setting('app.center_ids', true), ''), ',')::bigint[]"

forward = []
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


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0005_distributions_sql")]

    operations = [migrations.RunSQL(sql=forward, reverse_sql=list(reversed(backward)))]
