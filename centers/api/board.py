"""API of the board area (filled by issue 3)."""


def register(router):
    """Puts this area's viewsets on the API router."""
