"""Reports: rollups, report runs, monthly participation reports, performance reports, the yearbook and dashboards."""
