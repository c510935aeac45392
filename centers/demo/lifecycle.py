"""Demo data of the lifecycle area (filled by issue 3)."""


def seed(ctx):
    """Idempotent: brings the demo centers' lifecycle records up to date."""
