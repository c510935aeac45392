from . import memoranda  # noqa: F401 - registers the admin classes
