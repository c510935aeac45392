"""Issue 7."""
from . import runs, yearbook  # noqa: F401
