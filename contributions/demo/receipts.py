"""Demo of the receipts area: nothing to add. Every demo gift that the gifts area confirms gets its receipt
from ``contribution_confirm`` (numbered per center and Jalali year, with its verification code), so the
receipts pages, the verification page and the statements have data as soon as the gifts demo runs."""


def seed(ctx):
    pass
