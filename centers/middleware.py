from django.contrib.auth.models import AnonymousUser
from django_scopes import scope
from rest_framework import exceptions

from core.authentication import PortalTokenAuthentication

from .access import actor_for


class TenantScopeMiddleware:
    """Resolves the actor once per request and opens the tenant scope around the whole request.

    A trustee gets their center(s); a supervisor who passed the second factor gets every center of their
    organisation in their region; anyone else gets an empty scope, so tenant data can only be reached on
    purpose. API tokens are resolved here too (DRF authenticates inside the view, too late to choose the
    scope); an API token is issued only after the second factor, so it counts as having passed it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.token_auth = PortalTokenAuthentication()

    def __call__(self, request):
        user, second_factor = request.user, _is_verified(request.user)
        if not user.is_authenticated:
            token_user = self._token_user(request)
            if token_user is not None:
                user, second_factor = token_user, True
        request.actor = actor_for(user, second_factor_passed=second_factor)
        with scope(center=sorted(request.actor.center_ids)):
            return self.get_response(request)

    def _token_user(self, request):
        try:
            result = self.token_auth.authenticate(request)
        except exceptions.AuthenticationFailed:
            return None  # DRF answers 401 itself when the view runs
        return result[0] if result else None


def _is_verified(user) -> bool:
    if isinstance(user, AnonymousUser):
        return False
    check = getattr(user, "is_verified", None)
    return bool(check and check())
