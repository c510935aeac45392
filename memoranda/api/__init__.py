"""API of memoranda (read-only): what the caller sees in the admin, no more (``memoranda.selectors``)."""

from . import memoranda


def register(router):
    memoranda.register(router)
