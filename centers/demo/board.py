"""Demo data of the board area (filled by issue 3)."""


def seed(ctx):
    """Idempotent: brings the demo centers' board records up to date."""
