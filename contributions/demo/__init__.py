"""Demo data of the contributions app, one module per area; ``seed(ctx)`` is called by ``seed_demo``."""

from . import gifts, pledges, receipts, stock


def seed(ctx):
    for module in (gifts, stock, pledges, receipts):
        module.seed(ctx)
