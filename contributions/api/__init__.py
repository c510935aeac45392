"""API endpoints of the contributions app, one module per area; ``register`` puts them all on the router."""

from . import gifts, pledges, receipts, stock


def register(router):
    for module in (gifts, stock, pledges, receipts):
        module.register(router)
