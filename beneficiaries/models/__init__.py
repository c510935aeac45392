# Every tenant-owned model has a `center` foreign key and `objects = ScopedManager(center="center")` (see
# docs/architecture.md, "Tenancy"); the household tables are also behind PostgreSQL row-level security
# (beneficiaries/rls.py). Later areas (distributions, loans, sponsorships) add their own modules here.
from .households import *  # noqa: F403
