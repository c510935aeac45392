"""Which adapter speaks for a merchant account."""

from __future__ import annotations

from urllib.parse import urlsplit

from .. import conf, crypto
from . import transport as transport_module
from .base import Gateway, GatewayError
from .sandbox import SandboxGateway
from .zarinpal import ZarinpalGateway
from .zibal import ZibalGateway

ADAPTERS: dict[str, type[Gateway]] = {"sandbox": SandboxGateway, "zarinpal": ZarinpalGateway,
                                      "zibal": ZibalGateway}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def gateway_for(merchant, *, callback_url: str = "", transport=None) -> Gateway:
    """The adapter for ``merchant`` (a ``MerchantAccount``). The sandbox bank is this app itself: its address
    is ``PAYMENTS_SANDBOX_BASE_URL`` or the origin of the payment's callback address."""
    adapter = ADAPTERS.get(merchant.gateway)
    if adapter is None:
        raise GatewayError(f"unknown gateway {merchant.gateway!r}")
    base_url = ""
    if merchant.gateway == "sandbox":
        if not conf.sandbox_enabled():
            raise GatewayError("the sandbox bank is switched off")
        base_url = (conf.get("PAYMENTS_SANDBOX_BASE_URL") or _origin(callback_url)) + "/sandbox-bank/api"
    return adapter(merchant_id=crypto.decrypt(merchant.merchant_id_encrypted, center_id=merchant.center_id),
                   transport=transport or transport_module.current(), base_url=base_url,
                   timeout=float(conf.get("PAYMENTS_HTTP_TIMEOUT")))
