"""Quarterly and annual performance reports (seed 000) and the monthly report's document, as PDF and Excel.

Both files come from the same ``reporting.figures.performance`` sections, so the PDF and the workbook never
disagree. Registered as the renderer of the monthly, quarterly and annual kinds of ``reporting.runs``.
"""

from __future__ import annotations

from reporting.runs import register_renderer


def render_performance(run, progress):
    from reporting import figures

    progress(5, "figures")
    data = figures.performance(run.scope, run.period_value)
    return _write(run, data, progress)


def _write(run, data, progress):  # filled in below
    raise NotImplementedError


for _kind in ("monthly", "quarterly", "annual"):
    register_renderer(_kind, render_performance)
