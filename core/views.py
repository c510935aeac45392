import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from centers import selectors as center_selectors
from config.celery import app as celery_app

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    """The public home page: what the portal is, figures anyone may see, and the way in for staff."""
    return render(request, "core/home.html", {"figures": center_selectors.public_figures()})


@never_cache
@require_GET
def healthz(request):
    """Database and broker status as JSON; 200 when both answer, 503 otherwise (for load balancers)."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any failure means "not healthy", reported, not raised
        logger.warning("healthz: database check failed: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}


def _check_broker() -> dict:
    transport = celery_app.conf.broker_url.split(":", 1)[0]
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": transport}
    except Exception as exc:  # any failure means "not healthy", reported, not raised
        logger.warning("healthz: broker check failed: %s", exc)
        return {"ok": False, "transport": transport, "error": exc.__class__.__name__}


def page_not_found(request, exception):
    if request.path.startswith("/api/"):  # API clients get JSON even for a path no route matches
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Something went wrong. Nothing you sent was lost; try again.")},
                            status=500)
    return render(request, "500.html", status=500)
