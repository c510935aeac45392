"""A short-lived cache of the public pages for visitors who are not signed in (issue 6: fast on a phone,
at least half a bare Django view's rate on one worker; bench/bench_public.py).

It sits first in ``MIDDLEWARE``: a cached page is answered before sessions, the tenant scope, history
context or a database connection are touched. Only anonymous GETs of the public prefixes are cached, per
language and full address, for ``PUBLIC_PAGE_CACHE_SECONDS``; responses that are not a plain 200 are never
stored, and cookies are never stored with a page. Public pages hold aggregates only, so a copy is the same
for every visitor. The language switch is CSRF-exempt (config/urls.py) so that a cached page's form works.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

HEADER = "X-Public-Cache"
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Security-Policy", "X-Frame-Options",
                "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy",
                "Strict-Transport-Security", "Permissions-Policy")


def page_key(language: str, full_path: str) -> str:
    digest = hashlib.sha256(full_path.encode()).hexdigest()[:32]
    return f"public:page:{language}:{digest}"


def forget_page(path: str) -> None:
    """Drops the cached copies of ``path`` in every language (after the page's content changed)."""
    cache.delete_many([page_key(code, path) for code, _name in settings.LANGUAGES])


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _cacheable(request) -> bool:
        return (settings.PUBLIC_PAGE_CACHE_SECONDS > 0 and request.method in ("GET", "HEAD")
                and request.path.startswith(tuple(settings.PUBLIC_PAGE_CACHE_PREFIXES))
                and settings.SESSION_COOKIE_NAME not in request.COOKIES)

    def __call__(self, request):
        if not self._cacheable(request):
            return self.get_response(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        key = page_key(language, request.get_full_path())
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and request.method == "GET":
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            cache.set(key, (response.content, headers), settings.PUBLIC_PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response
