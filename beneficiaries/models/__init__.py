# Every tenant-owned model has a `center` foreign key and `objects = ScopedManager(center="center")` (see
# docs/architecture.md, "Tenancy"); the household tables are also behind PostgreSQL row-level security
# (beneficiaries/rls.py). Each area (households, social work, distributions, sponsorships, loans and plans)
# has its own module here, each with an ``__all__``.
from .distributions import *  # noqa: F403
from .households import *  # noqa: F403
from .importing import *  # noqa: F403
from .loans import *  # noqa: F403
from .socialwork import *  # noqa: F403
from .sponsorships import *  # noqa: F403
