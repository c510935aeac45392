"""Reports: rollups, report runs, monthly participation reports, performance reports, the yearbook and dashboards."""
from .runs import *  # noqa: F403
