from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ContentSecurityPolicyMiddleware:
    """Sends the portal's Content-Security-Policy (no inline script or style, no foreign origin).

    The policy is one string in settings so every page, public, trustee and admin alike, gets the same
    header; the few named exceptions (the API docs) are listed beside it in settings.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY_EXCEPTIONS.get(request.path, settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class PersianFirstLocaleMiddleware(LocaleMiddleware):
    """Persian unless the person chose otherwise with the language switch (the language cookie).

    Django's own middleware follows the browser's Accept-Language, which would show the English,
    left-to-right site to most Iranian staff, whose browsers and phones are set to English.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
