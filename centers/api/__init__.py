"""API endpoints of the centers app, one module per area; ``register`` puts them all on the router."""

from . import board, lifecycle, supervision, tenancy


def register(router):
    for module in (tenancy, lifecycle, board, supervision):
        module.register(router)
