"""The centers app's models, one module per area: tenancy (the tenant and roles), lifecycle, board, supervision."""

from .board import *  # noqa: F403
from .lifecycle import *  # noqa: F403
from .supervision import *  # noqa: F403
from .tenancy import (  # noqa: F401
    CORE_ROLES,
    BoardRole,
    Center,
    County,
    Organization,
    Province,
    SupervisorAssignment,
    TrusteeAppointment,
)
