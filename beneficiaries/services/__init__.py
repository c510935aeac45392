"""The beneficiaries app's services, one module per area (households, social work, distributions,
sponsorships, loans, plans). Each area's public services are re-exported here, so
``from beneficiaries import services; services.household_register(...)`` keeps working."""

from .distributions import *  # noqa: F403
from .households import *  # noqa: F403
from .households import MemberInput  # noqa: F401
from .loans import *  # noqa: F403
from .plans import *  # noqa: F403
from .socialwork import *  # noqa: F403
from .sponsorships import *  # noqa: F403
