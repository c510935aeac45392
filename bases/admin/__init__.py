"""Admin of the bases app for supervisors of the welfare organisation, one module per area. Each area's
``approval_items(actor)`` joins the supervisors' approval queue (``centers.admin.approval_items``): the
centers' admin package gathers its areas from ``AREAS``, and this app adds its own to it, as the centers'
areas add their actions to the center list."""

import centers.admin as centers_admin

from . import agreements, establishment

AREAS = (establishment, agreements)
centers_admin.AREAS = (*centers_admin.AREAS, *(a for a in AREAS if a not in centers_admin.AREAS))
