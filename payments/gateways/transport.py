"""The default HTTP transport (the standard library's urllib: JSON in, JSON out), and the one place a test
or the sandbox swaps it (``override``)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from contextlib import contextmanager

from .base import GatewayError, Transport

_override: Transport | None = None


def http_transport(method: str, url: str, body: dict | None, timeout: float) -> tuple[int, dict]:
    if not url.startswith(("https://", "http://")):
        raise GatewayError("only http(s) addresses")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,  # noqa: S310 - scheme checked above
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:  # gateways answer errors as JSON with a 4xx status
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GatewayError(f"unreachable: {exc}") from exc
    try:
        return status, json.loads(raw.decode() or "null")
    except (UnicodeDecodeError, ValueError) as exc:
        raise GatewayError(f"not JSON (HTTP {status})") from exc


def current() -> Transport:
    return _override or http_transport


@contextmanager
def override(transport: Transport):
    """Use ``transport`` for every gateway call inside the block (tests; in-process sandbox)."""
    global _override
    previous, _override = _override, transport
    try:
        yield
    finally:
        _override = previous
