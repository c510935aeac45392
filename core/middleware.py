from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Sends the portal's Content-Security-Policy (no inline script or style, no foreign origin).

    The policy is one string in settings so every page, public, trustee and admin alike, gets the same
    header; a view that truly needs a different one sets the header itself and is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
