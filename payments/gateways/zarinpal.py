"""Zarinpal, REST API v4 (https://www.zarinpal.com/docs/paymentGateway/).

- request: ``POST /pg/v4/payment/request.json`` with ``merchant_id``, ``amount``, ``currency`` (``IRR``: we
  always speak rials), ``callback_url``, ``description`` and ``metadata`` (``mobile``, ``order_id``); success
  is ``data.code == 100`` with ``data.authority``; the donor goes to ``/pg/StartPay/<authority>``.
- callback: ``?Authority=…&Status=OK|NOK`` (NOK covers both a cancel and a decline; Zarinpal does not say
  which, so we call it cancelled).
- verify: ``POST /pg/v4/payment/verify.json`` with ``merchant_id``, ``amount`` and ``authority``;
  ``data.code`` 100 verified now (``ref_id``, ``card_pan``), 101 verified before; ``errors.code`` -50 the
  amount differs from the payment's, -51 not paid, -54 unknown authority, others refused.
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


def _parts(status: int, body: dict) -> tuple[int | None, dict, dict]:
    """(code, data, errors) of a v4 answer; a 5xx or a body of neither shape is the gateway's trouble."""
    if status >= 500:
        raise GatewayError(f"zarinpal: HTTP {status}")
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
    code = data.get("code", errors.get("code"))
    if not isinstance(code, int):
        raise GatewayError("zarinpal: answer without a code")
    return code, data, errors


class ZarinpalGateway(Gateway):
    code = "zarinpal"
    default_base_url = "https://payment.zarinpal.com"

    def request(self, *, amount, callback_url, description, mobile="", order_id=""):
        metadata = {key: value for key, value in (("mobile", mobile), ("order_id", order_id)) if value}
        body = {"merchant_id": self.merchant_id, "amount": int(amount), "currency": "IRR",
                "callback_url": callback_url, "description": description[:255]}
        if metadata:
            body["metadata"] = metadata
        code, data, errors = _parts(*self._post("/pg/v4/payment/request.json", body))
        if code == 100 and data.get("authority"):
            authority = str(data["authority"])
            return RequestResult(ok=True, authority=authority, code=str(code),
                                 redirect_url=f"{self.base_url}/pg/StartPay/{authority}")
        return RequestResult(ok=False, code=str(code), message=str(errors.get("message") or data.get("message", "")))

    def parse_callback(self, params: Mapping[str, str]):
        authority = (params.get("Authority") or "").strip()
        status = (params.get("Status") or "").strip().upper()
        if not authority or status not in ("OK", "NOK"):
            return None
        outcome = CallbackOutcome.PAID if status == "OK" else CallbackOutcome.CANCELLED
        return CallbackData(authority=authority, outcome=outcome, raw=dict(params))

    def verify(self, *, authority, amount):
        body = {"merchant_id": self.merchant_id, "amount": int(amount), "authority": authority}
        code, data, errors = _parts(*self._post("/pg/v4/payment/verify.json", body))
        message = str(data.get("message") or errors.get("message") or "")
        if code in (100, 101):
            return VerifyResult(status=VerifyStatus.PAID if code == 100 else VerifyStatus.ALREADY,
                                ref_id=str(data.get("ref_id") or ""), card_pan=str(data.get("card_pan") or ""),
                                code=str(code), message=message)
        status = {-50: VerifyStatus.AMOUNT_MISMATCH, -51: VerifyStatus.NOT_PAID}.get(code, VerifyStatus.REFUSED)
        return VerifyResult(status=status, code=str(code), message=message)
