"""The Zarinpal (v4) and Zibal adapters against recorded request/response JSON (``fixtures/``), with the HTTP
transport injected: each exchange checks what the adapter sends (method, address, body) and feeds it the
gateway's recorded answer. No network."""

import json
from pathlib import Path

import pytest

from payments.gateways.base import CallbackOutcome, GatewayError, VerifyStatus
from payments.gateways.sandbox import SandboxGateway
from payments.gateways.zarinpal import ZarinpalGateway
from payments.gateways.zibal import ZibalGateway

FIXTURES = Path(__file__).parent / "fixtures"
ZARINPAL = json.loads((FIXTURES / "zarinpal.json").read_text(encoding="utf-8"))
ZIBAL = json.loads((FIXTURES / "zibal.json").read_text(encoding="utf-8"))
CALLBACK = "https://portal.example/give/isf-jame/return/abc/"


class Recorded:
    """A transport that plays one recorded exchange and remembers what it was sent."""

    def __init__(self, exchange):
        self.exchange = exchange
        self.sent = []

    def __call__(self, method, url, body, timeout):
        self.sent.append((method, url, body))
        assert method == self.exchange["method"] and url == self.exchange["url"]
        if "request" in self.exchange:
            assert body == self.exchange["request"]
        assert timeout > 0
        return self.exchange["status"], self.exchange["response"]


def _zarinpal(name):
    transport = Recorded(ZARINPAL[name])
    return ZarinpalGateway(merchant_id="1344b5d4-0048-11e8-94db-005056a205be", transport=transport), transport


def _zibal(name):
    transport = Recorded(ZIBAL[name])
    return ZibalGateway(merchant_id="zibal", transport=transport), transport


# --- Zarinpal ----------------------------------------------------------------------------------------------

def test_zarinpal_request_sends_rials_and_gives_the_start_pay_address():
    gateway, transport = _zarinpal("request_ok")
    result = gateway.request(amount=25_000_000, callback_url=CALLBACK, description="Gift", mobile="09121234567",
                             order_id="abc")
    assert result.ok and result.authority == "A0000000000000000000000000000wwOGYpd"
    assert result.redirect_url == "https://payment.zarinpal.com/pg/StartPay/A0000000000000000000000000000wwOGYpd"
    assert len(transport.sent) == 1


def test_zarinpal_request_refused_carries_the_code():
    gateway, _t = _zarinpal("request_refused")
    result = gateway.request(amount=10, callback_url=CALLBACK, description="Gift")
    assert not result.ok and result.code == "-9" and "invalid" in result.message


@pytest.mark.parametrize(("fixture", "status", "paid"), [
    ("verify_ok", VerifyStatus.PAID, True),
    ("verify_again", VerifyStatus.ALREADY, True),
    ("verify_amount_mismatch", VerifyStatus.AMOUNT_MISMATCH, False),
    ("verify_not_paid", VerifyStatus.NOT_PAID, False),
    ("verify_bad_authority", VerifyStatus.REFUSED, False),
])
def test_zarinpal_verify_codes(fixture, status, paid):
    gateway, transport = _zarinpal(fixture)
    result = gateway.verify(authority="A0000000000000000000000000000wwOGYpd", amount=25_000_000)
    assert result.status == status and result.paid is paid
    assert transport.sent[0][2]["amount"] == 25_000_000  # the amount we give, never one from the callback
    if fixture == "verify_ok":
        assert result.ref_id == "201" and result.card_pan == "502229******5995"


def test_zarinpal_server_error_is_a_gateway_error():
    gateway, _t = _zarinpal("server_error")
    with pytest.raises(GatewayError):
        gateway.verify(authority="A0000000000000000000000000000wwOGYpd", amount=25_000_000)


def test_zarinpal_callback_parsing():
    gateway, _t = _zarinpal("verify_ok")
    ok = gateway.parse_callback({"Authority": "A00000000000000000000000000000000001", "Status": "OK"})
    assert ok.outcome == CallbackOutcome.PAID and ok.authority == "A00000000000000000000000000000000001"
    assert gateway.parse_callback({"Authority": "A1", "Status": "NOK"}).outcome == CallbackOutcome.CANCELLED
    assert gateway.parse_callback({"Authority": "", "Status": "OK"}) is None
    assert gateway.parse_callback({"Authority": "A1", "Status": "MAYBE"}) is None


# --- Zibal -------------------------------------------------------------------------------------------------

def test_zibal_request_gives_the_start_address():
    gateway, _t = _zibal("request_ok")
    result = gateway.request(amount=25_000_000, callback_url=CALLBACK, description="Gift", mobile="09121234567",
                             order_id="abc")
    assert result.ok and result.authority == "15966442233311"
    assert result.redirect_url == "https://gateway.zibal.ir/start/15966442233311"


def test_zibal_request_refused():
    gateway, _t = _zibal("request_refused")
    result = gateway.request(amount=10, callback_url=CALLBACK, description="Gift")
    assert not result.ok and result.code == "105"


@pytest.mark.parametrize(("fixture", "status"), [
    ("verify_ok", VerifyStatus.PAID),
    ("verify_again", VerifyStatus.ALREADY),
    ("verify_other_amount", VerifyStatus.AMOUNT_MISMATCH),
    ("verify_not_paid", VerifyStatus.NOT_PAID),
    ("verify_bad_track", VerifyStatus.REFUSED),
])
def test_zibal_verify_results(fixture, status):
    gateway, transport = _zibal(fixture)
    result = gateway.verify(authority="15966442233311", amount=25_000_000)
    assert result.status == status
    assert transport.sent[0][2] == {"merchant": "zibal", "trackId": 15966442233311}
    if fixture == "verify_ok":
        assert result.ref_id == "1234567890" and result.card_pan == "62741****44"


def test_zibal_verify_of_a_non_numeric_track_asks_nothing():
    gateway, transport = _zibal("verify_ok")
    assert gateway.verify(authority="SBX-not-a-track", amount=1).status == VerifyStatus.REFUSED
    assert transport.sent == []


def test_zibal_callback_parsing():
    gateway, _t = _zibal("verify_ok")
    paid = gateway.parse_callback({"success": "1", "trackId": "15966442233311", "orderId": "abc", "status": "2"})
    assert paid.outcome == CallbackOutcome.PAID and paid.authority == "15966442233311"
    cancelled = gateway.parse_callback({"success": "0", "trackId": "1", "status": "3"})
    assert cancelled.outcome == CallbackOutcome.CANCELLED
    assert gateway.parse_callback({"success": "0", "trackId": "1", "status": "5"}).outcome == CallbackOutcome.FAILED
    assert gateway.parse_callback({"success": "1", "trackId": "abc"}) is None


def test_unreadable_answers_are_gateway_errors():
    for gateway_class in (ZarinpalGateway, ZibalGateway, SandboxGateway):
        gateway = gateway_class(merchant_id="m", transport=lambda *a: (200, {"unexpected": True}),
                                base_url="https://bank.example")
        with pytest.raises(GatewayError):
            gateway.verify(authority="1", amount=1)
        gateway = gateway_class(merchant_id="m", transport=lambda *a: (200, ["not", "an", "object"]),
                                base_url="https://bank.example")
        with pytest.raises(GatewayError):
            gateway.request(amount=1, callback_url=CALLBACK, description="x")
