"""The smallest useful Django WSGI app, for the baseline benchmark.

No database, no installed apps, no middleware, no templates: one URL whose
view returns ``HttpResponse("ok")``. It doubles as its own URLconf.

Serve it with ``gunicorn --chdir bench bare_app:application``.
"""

import secrets

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        DATABASES={},
        TEMPLATES=[],
        USE_I18N=False,
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )


def ok_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok_view)]

application = get_wsgi_application()
