"""Reports: rollups, report runs, monthly participation reports, performance reports, the yearbook and dashboards."""
from .monthly import *  # noqa: F403
from .rollups import *  # noqa: F403
from .runs import *  # noqa: F403
from .yearbook import *  # noqa: F403
