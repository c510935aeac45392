"""Demo data of the beneficiaries app, one module per area; ``seed(ctx)`` is called by ``seed_demo``."""

from . import distributions, households, loans, socialwork, sponsorships


def seed(ctx):
    for module in (households, socialwork, distributions, sponsorships, loans,):
        module.seed(ctx)
