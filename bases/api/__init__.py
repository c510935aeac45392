"""API endpoints of the bases app, one module per area; ``register`` puts them all on the router."""

from . import agreements


def register(router):
    for module in (agreements,):
        module.register(router)
