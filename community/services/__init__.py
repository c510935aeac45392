"""The only writers of the neighbourhood-work records, one module per area. Every service is keyword-only
and atomic; it asks the access module first (404 for another center, 403 for a role that may not), then
``require_center_can_operate``, validates everything before writing anything, and refuses bad input with a
translated ``ValidationError`` carrying a ``code``."""

from .assessment import *  # noqa: F403
from .harms import *  # noqa: F403
from .planning import *  # noqa: F403
