from django.core.management.base import BaseCommand

from reporting.rollups import rebuild_all


class Command(BaseCommand):
    help = "Rebuild every reporting rollup table from the raw tables (set-based, one transaction)."

    def handle(self, *args, **options):
        timings = rebuild_all(verbose=options["verbosity"] > 1)
        self.stdout.write(f"rollups rebuilt in {timings['total']} s")
