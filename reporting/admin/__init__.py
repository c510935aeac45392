"""Issue 7."""
from . import runs  # noqa: F401
