"""API of neighbourhood work, one module per area; ``register`` puts them on the router."""

from . import assessment, harms, planning


def register(router):
    for module in (assessment, harms, planning):
        module.register(router)
