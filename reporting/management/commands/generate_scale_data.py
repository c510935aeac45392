"""``manage.py generate_scale_data``: a realistic data set for the benchmarks, loaded in bulk.

Default: one province (Isfahan) with 500 centers, 200,000 donors, 2,000,000 contributions over three Jalali
years and 100,000 households with their people, needs and aid, plus licenses, complaints, campaigns, pledges,
sponsorships and loans. ``--national``: all 31 provinces, smaller in each. ``--scale F`` multiplies every
count. Refuses to write into a database that already has centers or donors unless ``--reset`` empties it.
Every scale user's password is ``scale-1405`` (benchmark data only).
"""

import datetime
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.scale.loader import ScaleDataError, existing_data, load, reset
from reporting.scale.spec import ScaleSpec


class Command(BaseCommand):
    help = "Build the scale data set for benchmarks (bulk load, checked, then rollups rebuilt)."

    def add_arguments(self, parser):
        parser.add_argument("--national", action="store_true", help="all 31 provinces instead of one")
        parser.add_argument("--scale", type=float, default=1.0, help="multiply every count (e.g. 0.001)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--until", type=datetime.date.fromisoformat, default=None,
                            help="last day with data (default: today)")
        parser.add_argument("--reset", action="store_true", help="empty the tenant tables first")
        parser.add_argument("--json", action="store_true", help="print the counts and timings as JSON")
        parser.add_argument("--force", action="store_true", help="run even with production settings")

    def handle(self, *args, national=False, scale=1.0, seed=1, until=None, reset_first=False, json_out=False,
               force=False, **options):
        reset_first = options.get("reset", False)
        json_out = options.get("json", False)
        if getattr(settings, "HTTPS", False) and not force:
            raise CommandError("Refusing to load benchmark data with production settings (use --force).")
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        if reset_first:
            reset()
        elif existing_data():
            raise CommandError("The database already has centers or donors: use --reset to empty it first.")
        spec = ScaleSpec.build(national=national, scale=scale, seed=seed, until=until)
        log = (lambda _m: None) if json_out else (lambda m: self.stderr.write(m))
        try:
            result = load(spec, log=log)
        except ScaleDataError as exc:
            raise CommandError(str(exc)) from exc
        if json_out:
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
        else:
            counts = result["counts"]
            self.stdout.write(
                f"Scale data ready in {result['timings']['total']} s: {counts['centers_center']} centers, "
                f"{counts['donors_donor']} donors, {counts['contributions_contribution']} contributions, "
                f"{counts['beneficiaries_household']} households; every invariant check holds.")
