"""The Jalali calendar table: every Gregorian day from 1990 to 2060 with its Jalali year, month and day.

Rollups are built set-based (``INSERT … SELECT … GROUP BY``) by joining a date column to this table on its
primary key, instead of calling a conversion per row. Filled from jdatetime (the same 33-year rule as
``core.jalali``), no network. Only RunSQL/RunPython: kept when the model migrations are regenerated.
"""

import datetime

from django.db import migrations

FIRST = datetime.date(1990, 1, 1)
LAST = datetime.date(2060, 12, 31)


def fill(apps, schema_editor):
    import jdatetime

    rows = []
    day = FIRST
    one = datetime.timedelta(days=1)
    while day <= LAST:
        j = jdatetime.date.fromgregorian(date=day)
        rows.append((day, j.year, j.month, j.day, j.year * 100 + j.month))
        day += one
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            chunk = rows[start:start + 5000]
            cursor.execute(
                "INSERT INTO reporting_jcal (d, jy, jm, jd, ym) SELECT * FROM unnest("
                "%s::date[], %s::smallint[], %s::smallint[], %s::smallint[], %s::int[])",
                [list(c) for c in zip(*chunk, strict=True)],
            )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [
        migrations.RunSQL(
            """
            CREATE TABLE reporting_jcal (
                d date PRIMARY KEY,
                jy smallint NOT NULL,
                jm smallint NOT NULL CHECK (jm BETWEEN 1 AND 12),
                jd smallint NOT NULL CHECK (jd BETWEEN 1 AND 31),
                ym integer NOT NULL
            );
            CREATE INDEX reporting_jcal_ym ON reporting_jcal (ym, d);
            """,
            "DROP TABLE reporting_jcal;",
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunSQL(
            """
            -- The Jalali month (year * 100 + month) of a date; NULL outside the table's range.
            CREATE OR REPLACE FUNCTION reporting_ym(date) RETURNS integer
                LANGUAGE sql STABLE PARALLEL SAFE
                AS $$ SELECT ym FROM reporting_jcal WHERE d = $1 $$;
            ANALYZE reporting_jcal;
            """,
            "DROP FUNCTION reporting_ym(date);",
        ),
    ]
