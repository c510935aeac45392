# Social-health bases (seed 004): NGOs and their welfare licenses (``ngos``), establishing a base
# (``establishment``), yearly agreements with their commitments, activity reports and allocations
# (``agreements``). Tenant-owned models have a ``center`` foreign key and a ``ScopedManager``; the NGO and its
# establishment application exist before any base does, so they belong to the welfare organisation instead
# and are reached only through the access helpers in ``bases.services.ngos``.
from .agreements import *  # noqa: F403
from .establishment import *  # noqa: F403
from .ngos import *  # noqa: F403
