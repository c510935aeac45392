"""Zibal (https://docs.zibal.ir/IPG/API).

- request: ``POST /v1/request`` with ``merchant``, ``amount`` (rials), ``callbackUrl``, ``description``,
  ``orderId`` and ``mobile``; success is ``result == 100`` with ``trackId``; the donor goes to
  ``/start/<trackId>``.
- callback: ``?success=1|0&trackId=…&orderId=…&status=…`` (status 3: cancelled by the payer).
- verify: ``POST /v1/verify`` with ``merchant`` and ``trackId``; ``result`` 100 verified now (with the
  ``amount`` paid, ``refNumber`` and ``cardNumber``), 201 verified before, 202 not paid or failed, 203 unknown
  track id, others refused. Zibal's verify takes no amount, so the amount it reports is compared with ours:
  a different amount is never posted.
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


def _result(status: int, body: dict) -> int:
    if status >= 500:
        raise GatewayError(f"zibal: HTTP {status}")
    result = body.get("result")
    if not isinstance(result, int):
        raise GatewayError("zibal: answer without a result")
    return result


class ZibalGateway(Gateway):
    code = "zibal"
    default_base_url = "https://gateway.zibal.ir"

    def request(self, *, amount, callback_url, description, mobile="", order_id=""):
        body = {"merchant": self.merchant_id, "amount": int(amount), "callbackUrl": callback_url,
                "description": description[:255]}
        if order_id:
            body["orderId"] = order_id
        if mobile:
            body["mobile"] = mobile
        status, data = self._post("/v1/request", body)
        result = _result(status, data)
        if result == 100 and data.get("trackId"):
            track = str(data["trackId"])
            return RequestResult(ok=True, authority=track, code=str(result),
                                 redirect_url=f"{self.base_url}/start/{track}")
        return RequestResult(ok=False, code=str(result), message=str(data.get("message", "")))

    def parse_callback(self, params: Mapping[str, str]):
        track = (params.get("trackId") or "").strip()
        success = (params.get("success") or "").strip()
        if not track.isdigit() or success not in ("0", "1"):
            return None
        if success == "1":
            outcome = CallbackOutcome.PAID
        elif (params.get("status") or "").strip() == "3":
            outcome = CallbackOutcome.CANCELLED
        else:
            outcome = CallbackOutcome.FAILED
        return CallbackData(authority=track, outcome=outcome, raw=dict(params))

    def verify(self, *, authority, amount):
        if not str(authority).isdigit():
            return VerifyResult(status=VerifyStatus.REFUSED, code="203", message="bad trackId")
        status, data = self._post("/v1/verify", {"merchant": self.merchant_id, "trackId": int(authority)})
        result = _result(status, data)
        message = str(data.get("message", ""))
        if result in (100, 201):
            paid = data.get("amount")
            if paid is not None and paid != int(amount):
                return VerifyResult(status=VerifyStatus.AMOUNT_MISMATCH, code=str(result),
                                    message=f"paid {paid}, expected {amount}")
            return VerifyResult(status=VerifyStatus.PAID if result == 100 else VerifyStatus.ALREADY,
                                ref_id=str(data.get("refNumber") or ""), card_pan=str(data.get("cardNumber") or ""),
                                code=str(result), message=message)
        verdict = VerifyStatus.NOT_PAID if result == 202 else VerifyStatus.REFUSED
        return VerifyResult(status=verdict, code=str(result), message=message)
