"""API endpoints of the contributions app, one module per area; ``register`` puts them all on the router."""

from . import central, gifts, pledges, receipts, stock


def register(router):
    for module in (gifts, stock, pledges, receipts, central):
        module.register(router)
