from . import central, gifts, pledges, receipts, stock  # noqa: F401 - registers the admin classes
