"""API endpoints of the beneficiaries app, one module per area; ``register`` puts them all on the router."""

from . import distributions, households, loans, socialwork, sponsorships


def register(router):
    for module in (households, socialwork, distributions, sponsorships, loans,):
        module.register(router)
