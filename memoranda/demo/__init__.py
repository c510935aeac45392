"""Demo memoranda; ``seed(ctx)`` is called by ``seed_demo``."""

from . import memoranda


def seed(ctx):
    memoranda.seed(ctx)
