import datetime

from . import board, lifecycle, supervision, tenancy  # noqa: F401 - registers the admin classes

AREAS = (lifecycle, board, supervision)


def approval_items(actor) -> list[dict]:
    """Everything a supervisor must decide, gathered from each area's ``approval_items(actor)``: overdue
    items first, then by due date (undated last), then by center name."""
    items = [item for area in AREAS if hasattr(area, "approval_items") for item in area.approval_items(actor)]
    return sorted(items, key=lambda i: (not i["overdue"], i["due"] or datetime.date.max, str(i["center"])))
