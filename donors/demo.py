"""Demo donors: arrives with the donors part of issue 4."""


def seed(ctx):
    pass
