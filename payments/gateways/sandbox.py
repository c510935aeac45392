"""The built-in sandbox bank's client side. The bank itself (``payments.sandbox_bank`` and its views under
``/sandbox-bank/``) is served by this app in development, demo and tests, and speaks this protocol:

- request: ``POST <base>/request`` ``{merchant_id, amount, callback_url, description, mobile, order_id}`` →
  ``{"code": 100, "authority": "SBX…", "pay_path": "/sandbox-bank/pay/SBX…/"}``, or a negative code.
- the donor pays or cancels on the bank page; the bank sends them back to ``callback_url`` with
  ``?Authority=…&Status=OK|NOK&Reason=cancelled|declined``.
- verify: ``POST <base>/verify`` ``{merchant_id, authority, amount}`` → code 100 (``ref_id``, ``card_pan``),
  101 verified before, -50 the amount paid differs, -51 not paid, -54 unknown authority or merchant.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import (
    CallbackData,
    CallbackOutcome,
    Gateway,
    GatewayError,
    RequestResult,
    VerifyResult,
    VerifyStatus,
)


def _code(status: int, body: dict) -> int:
    if status >= 500:
        raise GatewayError(f"sandbox: HTTP {status}")
    code = body.get("code")
    if not isinstance(code, int):
        raise GatewayError("sandbox: answer without a code")
    return code


class SandboxGateway(Gateway):
    code = "sandbox"

    def request(self, *, amount, callback_url, description, mobile="", order_id=""):
        status, data = self._post("/request", {"merchant_id": self.merchant_id, "amount": int(amount),
                                               "callback_url": callback_url, "description": description[:255],
                                               "mobile": mobile, "order_id": order_id})
        code = _code(status, data)
        if code == 100 and data.get("authority"):
            return RequestResult(ok=True, authority=str(data["authority"]), redirect_url=str(data["pay_path"]),
                                 code=str(code))
        return RequestResult(ok=False, code=str(code), message=str(data.get("message", "")))

    def parse_callback(self, params: Mapping[str, str]):
        authority = (params.get("Authority") or "").strip()
        status = (params.get("Status") or "").strip().upper()
        if not authority or status not in ("OK", "NOK"):
            return None
        if status == "OK":
            outcome = CallbackOutcome.PAID
        elif (params.get("Reason") or "").strip() == "declined":
            outcome = CallbackOutcome.FAILED
        else:
            outcome = CallbackOutcome.CANCELLED
        return CallbackData(authority=authority, outcome=outcome, raw=dict(params))

    def verify(self, *, authority, amount):
        status, data = self._post("/verify", {"merchant_id": self.merchant_id, "authority": authority,
                                              "amount": int(amount)})
        code = _code(status, data)
        message = str(data.get("message", ""))
        if code in (100, 101):
            return VerifyResult(status=VerifyStatus.PAID if code == 100 else VerifyStatus.ALREADY,
                                ref_id=str(data.get("ref_id") or ""), card_pan=str(data.get("card_pan") or ""),
                                code=str(code), message=message)
        verdict = {-50: VerifyStatus.AMOUNT_MISMATCH, -51: VerifyStatus.NOT_PAID}.get(code, VerifyStatus.REFUSED)
        return VerifyResult(status=verdict, code=str(code), message=message)
