from rest_framework.authentication import TokenAuthentication


class PortalTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, the key issued by ``POST /api/v1/auth/token/``."""

    keyword = "Token"
