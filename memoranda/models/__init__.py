# Memoranda of understanding between agencies (seed 003). Not tenant-owned: a memorandum belongs to a
# province, or to the nation when its province is empty; who sees it follows the supervisors' regions
# (memoranda.selectors.memoranda_for), never a center scope.
from .memoranda import *  # noqa: F403
