from . import board, lifecycle, supervision, tenancy  # noqa: F401 - registers the admin classes
