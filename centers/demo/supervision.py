"""Demo data of the supervision area (filled by issue 3)."""


def seed(ctx):
    """Idempotent: brings the demo centers' supervision records up to date."""
