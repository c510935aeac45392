"""The index of the prioritised households list, in the list's full order (issue 5 bench: a page of a center with
5,000 households under 100 ms). ``household_priority_idx`` (center, status, -priority_score) serves the first sort
key only: a deep page then sorts and skips joined rows. This one covers the whole ORDER BY and the id, so
``selectors.household_list_page`` reads a page's ids with an index-only scan; a partial index of current needs
serves the category and severity filters the same way. SQL-only, depending on the SQL
migrations only, so it survives the regeneration of the model migrations."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0007_socialwork_sql")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS household_list_order_idx ON beneficiaries_household "
            "(center_id, status, priority_score DESC, next_reassessment_on, id)",
            "DROP INDEX IF EXISTS household_list_order_idx",
        ),
        # The category / severity filters: the current needs of one category at a center, with the household's
        # id, read by an index-only scan and hash semi-joined to the ids above.
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS assessment_current_need_idx ON beneficiaries_assessment "
            "(center_id, category, severity) INCLUDE (household_id) WHERE is_current",
            "DROP INDEX IF EXISTS assessment_current_need_idx",
        ),
    ]
