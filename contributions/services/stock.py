"""In-kind stock: arrives with its part of issue 4 (the stock helper replaces this module)."""


def stock_receive_contribution(*, contribution, user=None):
    raise NotImplementedError("in-kind stock arrives with its part of issue 4")


def stock_reverse_contribution(*, contribution, user=None):
    raise NotImplementedError("in-kind stock arrives with its part of issue 4")
