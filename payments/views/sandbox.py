"""The sandbox bank's pages and API, served by this app in development, demo and tests only
(``PAYMENTS_SANDBOX_ENABLED``; a 404 everywhere else). See ``payments.sandbox_bank``."""

import json

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.digits import to_latin_digits

from .. import conf, sandbox_bank
from ..models import SandboxTransaction


def _enabled():
    if not conf.sandbox_enabled():
        raise Http404


def _json_body(request) -> dict | None:
    try:
        body = json.loads(request.body.decode() or "null")
    except (UnicodeDecodeError, ValueError):
        return None
    return body if isinstance(body, dict) else None


@csrf_exempt  # a server-to-server API, authenticated by the merchant id like a real gateway's
@require_POST
def api(request, operation):
    _enabled()
    body = _json_body(request)
    if body is None:
        return JsonResponse({"code": -9, "message": "a JSON object is required"}, status=400)
    handler = {"request": sandbox_bank.bank_request, "verify": sandbox_bank.bank_verify}.get(operation)
    if handler is None:
        raise Http404
    callback = body.get("callback_url")
    if operation == "request" and not (isinstance(callback, str) and url_has_allowed_host_and_scheme(
            callback, allowed_hosts={request.get_host(), *settings.ALLOWED_HOSTS})):
        # The bank page redirects to the callback: only to this site, so the sandbox is no open redirect.
        return JsonResponse({"code": -9, "message": "callback_url must be an address of this site"}, status=400)
    status, data = handler(body)
    return JsonResponse(data, status=status)


@require_http_methods(["GET", "POST"])
@never_cache
def pay(request, authority):
    """The bank page: the amount and the merchant, pay and cancel buttons, and the simulations."""
    _enabled()
    txn = SandboxTransaction.objects.filter(authority=authority[:64]).first()
    if txn is None:
        raise Http404
    if request.method == "POST":
        paid_amount = to_latin_digits(request.POST.get("amount", "")).strip()
        txn = sandbox_bank.bank_decide(
            authority=txn.authority, pay=request.POST.get("action") == "pay",
            simulate=request.POST.get("simulate", ""),
            paid_amount=int(paid_amount) if paid_amount.isdigit() and len(paid_amount) < 16 else None)
        address = sandbox_bank.callback_address(txn)
        if txn.simulate == "late" and txn.status == SandboxTransaction.Status.PAID:
            return render(request, "payments/sandbox_bank.html", {"txn": txn, "late_link": address})
        if txn.simulate == "duplicate":
            sandbox_bank.send_callback_soon(address)
        return redirect(address)
    if txn.status != SandboxTransaction.Status.PENDING:
        return render(request, "payments/sandbox_bank.html",
                      {"txn": txn, "done_link": sandbox_bank.callback_address(txn)})
    simulate = request.GET.get("simulate", "")
    return render(request, "payments/sandbox_bank.html", {
        "txn": txn, "simulations": sandbox_bank.SIMULATIONS,
        "simulate": simulate if simulate in sandbox_bank.SIMULATIONS else txn.simulate})
