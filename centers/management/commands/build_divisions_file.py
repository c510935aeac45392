"""Regenerates centers/data/iran_divisions.json from the CSV files django-iranian-cities ships.

The JSON file is committed, so setup never needs the network or that package; run this only to refresh it
(``pip install django-iranian-cities==2.0.0`` first).
"""

import csv
import json
from importlib.util import find_spec
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

OUT = Path(__file__).resolve().parents[2] / "data" / "iran_divisions.json"


class Command(BaseCommand):
    help = "Rebuild the committed file of Iran's provinces and counties from django-iranian-cities' data."

    def handle(self, *args, **options):
        spec = find_spec("iranian_cities")
        if spec is None or not spec.submodule_search_locations:
            raise CommandError("django-iranian-cities is not installed")
        data = Path(next(iter(spec.submodule_search_locations))) / "data"
        with open(data / "province.csv", encoding="utf-8") as fh:
            provinces = list(csv.DictReader(fh))
        with open(data / "county.csv", encoding="utf-8") as fh:
            counties = list(csv.DictReader(fh))
        code_by_id = {p["id"]: int(p["code"]) for p in provinces}
        doc = {
            "source": "django-iranian-cities 2.0.0 (official division: 31 provinces, 448 counties)",
            "provinces": sorted(({"code": int(p["code"]), "name": p["name"]} for p in provinces),
                                key=lambda p: p["code"]),
            "counties": sorted(
                ({"code": int(c["code"]), "name": c["name"], "province": code_by_id[c["province"]]}
                 for c in counties),
                key=lambda c: c["code"],
            ),
        }
        OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(doc['provinces'])} provinces, {len(doc['counties'])} counties -> {OUT}")
