"""Reports: rollups, report runs, monthly participation reports, performance reports, the yearbook and dashboards."""
from .rollups import *  # noqa: F403
