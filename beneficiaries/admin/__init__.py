from . import distributions, households, loans, socialwork, sponsorships  # noqa: F401 - registers the admin classes
