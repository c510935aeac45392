"""The sandbox bank's side (the other end of ``gateways.sandbox``): what a real bank does, small enough to
read, with switches that make it misbehave the ways real banks do.

Simulations (a tester picks one on the bank page, ``?simulate=`` on its address, or
``PAYMENTS_SANDBOX_SIMULATE`` sets one for every payment):

- ``slow``: verify answers only after ``PAYMENTS_SANDBOX_SLOW_SECONDS``;
- ``fail``: the bank declines the card: the donor returns with ``Status=NOK&Reason=declined``;
- ``duplicate``: besides sending the donor back, the bank calls the callback address itself at the same
  moment (two callbacks race for one payment);
- ``late``: the bank takes the money but does not send the donor back; the callback comes later (the bank
  page's link, or the re-verification task finds the payment first).

Only reachable with ``PAYMENTS_SANDBOX_ENABLED``; production never serves it.
"""

from __future__ import annotations

import secrets
import threading
import time
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.utils import timezone

from . import conf
from .models import SandboxTransaction

SIMULATIONS = ("slow", "fail", "duplicate", "late")


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def bank_request(body: dict) -> tuple[int, dict]:
    merchant, amount, callback = body.get("merchant_id"), _int(body.get("amount")), body.get("callback_url")
    if not isinstance(merchant, str) or not merchant or amount is None or amount <= 0:
        return 400, {"code": -9, "message": "merchant_id and a positive amount are required"}
    if not isinstance(callback, str) or urlsplit(callback).scheme not in ("http", "https"):
        return 400, {"code": -9, "message": "callback_url must be an http(s) address"}
    simulate = conf.get("PAYMENTS_SANDBOX_SIMULATE")
    txn = SandboxTransaction.objects.create(
        authority="SBX" + secrets.token_hex(16), merchant_id=merchant[:64], amount=amount, callback_url=callback,
        description=str(body.get("description") or "")[:255], simulate=simulate if simulate in SIMULATIONS else "")
    return 200, {"code": 100, "message": "Success", "authority": txn.authority,
                 "pay_path": f"/sandbox-bank/pay/{txn.authority}/"}


def bank_verify(body: dict) -> tuple[int, dict]:
    authority, merchant, amount = body.get("authority"), body.get("merchant_id"), _int(body.get("amount"))
    if not isinstance(authority, str) or not isinstance(merchant, str) or amount is None:
        return 400, {"code": -9, "message": "authority, merchant_id and amount are required"}
    txn = SandboxTransaction.objects.filter(authority=authority).only("simulate").first()
    if txn is not None and txn.simulate == "slow":
        time.sleep(float(conf.get("PAYMENTS_SANDBOX_SLOW_SECONDS")))
    with transaction.atomic():
        txn = SandboxTransaction.objects.select_for_update().filter(authority=authority).first()
        if txn is None or txn.merchant_id != merchant:
            return 404, {"code": -54, "message": "Invalid authority"}
        txn.verify_calls += 1
        if txn.status != SandboxTransaction.Status.PAID:
            txn.save(update_fields=["verify_calls"])
            return 200, {"code": -51, "message": "Session is not active, payment was not made"}
        if txn.paid_amount != amount:
            txn.save(update_fields=["verify_calls"])
            return 200, {"code": -50, "message": "Amount does not match the amount paid"}
        code = 101 if txn.verified_at else 100
        if code == 100:
            txn.verified_at = timezone.now()
        txn.save(update_fields=["verify_calls", "verified_at"])
    return 200, {"code": code, "message": "Verified" if code == 100 else "Verified before",
                 "ref_id": txn.ref_id, "card_pan": txn.card_pan}


def callback_address(txn: SandboxTransaction) -> str:
    if txn.status == SandboxTransaction.Status.PAID:
        query = {"Authority": txn.authority, "Status": "OK"}
    elif txn.status == SandboxTransaction.Status.DECLINED:
        query = {"Authority": txn.authority, "Status": "NOK", "Reason": "declined"}
    else:
        query = {"Authority": txn.authority, "Status": "NOK", "Reason": "cancelled"}
    separator = "&" if "?" in txn.callback_url else "?"
    return f"{txn.callback_url}{separator}{urlencode(query)}"


@transaction.atomic
def bank_decide(*, authority: str, pay: bool, simulate: str = "", paid_amount: int | None = None
                ) -> SandboxTransaction | None:
    """The payer pressed pay or cancel. Only a pending transaction changes; a second press changes nothing.
    ``paid_amount``: what the bank charged (the page's form carries it, so a tampered form shows what
    happens when the amount charged is not the amount asked)."""
    txn = SandboxTransaction.objects.select_for_update().filter(authority=authority).first()
    if txn is None or txn.status != SandboxTransaction.Status.PENDING:
        return txn
    if simulate in SIMULATIONS:
        txn.simulate = simulate
    if not pay:
        txn.status = SandboxTransaction.Status.CANCELLED
    elif txn.simulate == "fail":
        txn.status = SandboxTransaction.Status.DECLINED
    else:
        txn.status = SandboxTransaction.Status.PAID
        txn.paid_amount = paid_amount if paid_amount and paid_amount > 0 else txn.amount
        txn.ref_id = str(10**11 + secrets.randbelow(9 * 10**11))
        txn.card_pan = f"6037{secrets.randbelow(100):02d}******{secrets.randbelow(10000):04d}"
    txn.save()
    return txn


def send_callback_soon(url: str, delay: float = 0.0) -> None:
    """The bank calling the merchant's callback itself (the ``duplicate`` simulation), from a thread."""

    def call():
        time.sleep(delay)
        try:
            with urllib.request.urlopen(url, timeout=30):  # noqa: S310 - the merchant's own http(s) callback
                pass
        except OSError:
            pass  # a bank's server-to-server call that fails is simply lost, as in life

    if urlsplit(url).scheme in ("http", "https"):
        threading.Thread(target=call, daemon=True).start()


def in_process_transport(method: str, url: str, body: dict | None, timeout: float) -> tuple[int, dict]:
    """Speaks to the sandbox bank without HTTP (same protocol, same JSON), for tests without a server."""
    path = urlsplit(url).path
    if path.endswith("/sandbox-bank/api/request"):
        return bank_request(body or {})
    if path.endswith("/sandbox-bank/api/verify"):
        return bank_verify(body or {})
    from .gateways.base import GatewayError

    raise GatewayError(f"in-process transport: no sandbox endpoint at {path}")
