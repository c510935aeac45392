"""demo of the pledges area: arrives with its part of issue 4."""


def seed(ctx):
    pass
