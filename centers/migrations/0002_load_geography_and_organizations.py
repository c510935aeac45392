"""Loads Iran's provinces and counties from the committed division file, and the two organisations.

No network: the file is part of the repository (centers/data/iran_divisions.json).
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "iran_divisions.json"

ORGANIZATIONS = [
    ("relief_committee", "کمیته امداد امام خمینی (ره)"),
    ("welfare", "سازمان بهزیستی کشور"),
]


def forward(apps, schema_editor):
    Province = apps.get_model("centers", "Province")
    County = apps.get_model("centers", "County")
    Organization = apps.get_model("centers", "Organization")
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    provinces = {}
    for p in doc["provinces"]:
        provinces[p["code"]], _ = Province.objects.update_or_create(code=p["code"], defaults={"name": p["name"]})
    for c in doc["counties"]:
        County.objects.update_or_create(code=c["code"], defaults={"name": c["name"],
                                                                  "province": provinces[c["province"]]})
    for code, name in ORGANIZATIONS:
        Organization.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
