"""Social work and the history tables behind row-level security (SQL only; see beneficiaries/rls.py).

1. Case notes are a record (``beneficiaries.models.socialwork``): a trigger refuses deleting one; changing who
   wrote it, for which household and center, when, or which note it corrects; and changing anything once the
   day it was written (in the project's ``TIME_ZONE``) has passed. A new note may correct only a note of the
   same household. Its author edits it through ``case_note_edit`` on the same day; after that a correction is a
   new note.
2. Row-level security, as migration 0002 set it for the household tables, on the social-work tables (notes,
   referrals, their status changes, the notes' history) and on the history of the household tables
   (pghistory's ``householdevent``, ``memberevent``, ``assessmentevent``) and the reveal log: those hold names,
   addresses, encrypted codes and blind indexes too, and until now sat outside the wall. The app role
   ``charity_app_rls`` may read and append to them (and update notes and referrals, never delete).
"""

from django.conf import settings
from django.db import migrations

ROLE = "charity_app_rls"
CENTERS = "string_to_array(NULLIF(current_setting('app.center_ids', true), ''), ',')::bigint[]"
TZ = settings.TIME_ZONE.replace("'", "")

# table -> what the app role may do (besides what migration 0002 granted on the history tables)
WALLED = {
    "beneficiaries_casenote": "SELECT, INSERT, UPDATE",
    "beneficiaries_casenoteevent": "SELECT, INSERT",
    "beneficiaries_referral": "SELECT, INSERT, UPDATE",
    "beneficiaries_referralstatuschange": "SELECT, INSERT",
    "beneficiaries_householdevent": "SELECT, INSERT",
    "beneficiaries_memberevent": "SELECT, INSERT",
    "beneficiaries_assessmentevent": "SELECT, INSERT",
    "beneficiaries_identifierreveal": "SELECT, INSERT",
}

GUARD = f"""
CREATE FUNCTION beneficiaries_casenote_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'case notes are never deleted (write a correction)' USING ERRCODE = 'P0001';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.corrects_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM beneficiaries_casenote c WHERE c.id = NEW.corrects_id AND c.household_id = NEW.household_id
        ) THEN
            RAISE EXCEPTION 'a correction refers to a note of the same household' USING ERRCODE = 'P0001';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.center_id IS DISTINCT FROM OLD.center_id OR NEW.household_id IS DISTINCT FROM OLD.household_id
       OR NEW.author_id IS DISTINCT FROM OLD.author_id OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NEW.corrects_id IS DISTINCT FROM OLD.corrects_id THEN
        RAISE EXCEPTION 'a case note keeps its author, household, time and correction' USING ERRCODE = 'P0001';
    END IF;
    IF (OLD.created_at AT TIME ZONE '{TZ}')::date < (now() AT TIME ZONE '{TZ}')::date THEN
        RAISE EXCEPTION 'a case note is not changed after the day it was written (write a correction)'
            USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END $$;
"""

forward = [
    GUARD,
    "CREATE TRIGGER beneficiaries_casenote_guard BEFORE INSERT OR UPDATE OR DELETE ON beneficiaries_casenote "
    "FOR EACH ROW EXECUTE FUNCTION beneficiaries_casenote_guard();",
]
backward = [
    "DROP TRIGGER IF EXISTS beneficiaries_casenote_guard ON beneficiaries_casenote;",
    "DROP FUNCTION IF EXISTS beneficiaries_casenote_guard();",
]
for table, grants in WALLED.items():
    forward += [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;",
        f"CREATE POLICY {table}_center ON {table} USING (center_id = ANY ({CENTERS})) "
        f"WITH CHECK (center_id = ANY ({CENTERS}));",
        f"GRANT {grants} ON {table} TO {ROLE};",
    ]
    backward += [
        f"DROP POLICY IF EXISTS {table}_center ON {table};",
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;",
    ]


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0006_loans_rls_sql")]

    operations = [migrations.RunSQL(sql=forward, reverse_sql=list(reversed(backward)))]
