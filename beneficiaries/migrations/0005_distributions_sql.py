"""Aid distribution in SQL (SQL only; see beneficiaries.models.distributions and services.distributions).

1. **Donated service capacity is never overdrawn.** A BEFORE INSERT trigger on
   ``beneficiaries_servicecapacityuse`` locks the service gift's ``contributions_servicedetail`` row
   (``FOR UPDATE``: concurrent draws on one gift queue here), then refuses a row whose center is not the
   gift's, a positive draw on a gift that is not confirmed, and any row that would take the gift's
   ``SUM(quantity)`` below zero or above the hours or sessions donated. The service checks the same under the
   same lock first, with a translated message; this is the wall behind it.
2. **Row-level security** on the distribution tables, exactly as on the household tables
   (``0002_beneficiaries_rls_sql``): enabled, forced, one policy on ``app.center_ids``, and the non-owner role
   ``charity_app_rls`` may SELECT, INSERT and UPDATE them (never DELETE) and append to their history.
"""

from django.db import migrations

ROLE = "charity_app_rls"
CENTERS = "string_to_array(NULLIF(current_setting('app.center_ids', true), ''), ',')::bigint[]"
TABLES = ("beneficiaries_aiddistribution", "beneficiaries_aidgoodsline", "beneficiaries_servicecapacityuse",
          "beneficiaries_dowrycase", "beneficiaries_dowryitem")
HISTORY = ("beneficiaries_aiddistributionevent", "beneficiaries_dowrycaseevent")

forward = [
    """CREATE FUNCTION beneficiaries_service_capacity_check() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
        DECLARE
            donated numeric;
            gift_status text;
            gift_center bigint;
            used numeric;
        BEGIN
            SELECT s.quantity, c.status, s.center_id INTO donated, gift_status, gift_center
              FROM contributions_servicedetail s
              JOIN contributions_contribution c ON c.id = s.contribution_id
             WHERE s.id = NEW.service_id
               FOR UPDATE OF s;
            IF gift_center IS DISTINCT FROM NEW.center_id THEN
                RAISE EXCEPTION 'service capacity use % is not of its gift''s center', NEW.id
                    USING ERRCODE = 'check_violation';
            END IF;
            IF NEW.quantity > 0 AND gift_status <> 'confirmed' THEN
                RAISE EXCEPTION 'service gift of detail % is not confirmed', NEW.service_id
                    USING ERRCODE = 'check_violation';
            END IF;
            SELECT COALESCE(SUM(quantity), 0) INTO used
              FROM beneficiaries_servicecapacityuse WHERE service_id = NEW.service_id;
            IF used + NEW.quantity > donated OR used + NEW.quantity < 0 THEN
                RAISE EXCEPTION 'service capacity of detail % overdrawn (% used, % donated, % asked)',
                    NEW.service_id, used, donated, NEW.quantity USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$;""",
    """CREATE TRIGGER beneficiaries_service_capacity_check
        BEFORE INSERT ON beneficiaries_servicecapacityuse
        FOR EACH ROW EXECUTE FUNCTION beneficiaries_service_capacity_check();""",
]
backward = [
    "DROP TRIGGER IF EXISTS beneficiaries_service_capacity_check ON beneficiaries_servicecapacityuse;",
    "DROP FUNCTION IF EXISTS beneficiaries_service_capacity_check();",
]
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
    dependencies = [("beneficiaries", "0004_areas")]

    operations = [migrations.RunSQL(sql=forward, reverse_sql=list(reversed(backward)))]
