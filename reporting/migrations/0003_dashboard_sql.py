"""Partial index for the dashboards' "perishables near expiry" (reporting/dashboard.py).

Only perishable lots still held are ever asked for by expiry date, a small share of all lots: without this
index the dashboard's query scanned the whole stock lot table. ``value_remaining`` is included so the
per-center sums are read from the index.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0007_alter_account_kind"),
        ("reporting", "0002_jalali_sql"),
    ]

    operations = [
        migrations.RunSQL(
            sql="""
                CREATE INDEX IF NOT EXISTS contributions_stocklot_perishable_held
                    ON contributions_stocklot (expires_on, center_id) INCLUDE (value_remaining)
                    WHERE perishable AND quantity_remaining > 0;
            """,
            reverse_sql="DROP INDEX IF EXISTS contributions_stocklot_perishable_held;",
        ),
    ]
