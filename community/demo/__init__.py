"""Demo data of neighbourhood work, one module per area; ``seed(ctx)`` is called by ``seed_demo``."""

from . import neighbourhood


def seed(ctx):
    neighbourhood.seed(ctx)
