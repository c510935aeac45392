from . import assessment, harms, planning  # noqa: F401 - registers the admin classes
