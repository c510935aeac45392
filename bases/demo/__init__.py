"""Demo data of the bases app, one module per area; ``seed(ctx)`` is called by ``seed_demo`` before the apps
that record at the demo bases (they need a base that may operate: an NGO license and an agreement)."""

from . import agreements


def seed(ctx):
    for module in (agreements,):
        module.seed(ctx)
