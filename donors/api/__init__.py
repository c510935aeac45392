"""API endpoints of the donors app."""


def register(router):
    pass
