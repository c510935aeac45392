"""Writers of memoranda, their parties, commitments, calendar and monitoring (one area: ``memoranda``)."""

from .memoranda import *  # noqa: F403
