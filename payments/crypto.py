"""Merchant ids at rest: AES-256-GCM with a fresh nonce, the center bound as associated data, so a stored
value copied to another center's row does not decrypt. The key is ``PAYMENTS_ENCRYPTION_KEY`` (base64 of 32
bytes) or, when unset, derived from ``SECRET_KEY`` (development; production sets the key)."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.crypto import salted_hmac

from . import conf

VERSION = "p1"


def _key() -> bytes:
    configured = conf.get("PAYMENTS_ENCRYPTION_KEY")
    if configured:
        key = base64.b64decode(configured)
        if len(key) != 32:
            raise ValueError("PAYMENTS_ENCRYPTION_KEY must be base64 of 32 bytes")
        return key
    return salted_hmac("payments.crypto", "merchant-key", algorithm="sha256").digest()


def encrypt(plaintext: str, *, center_id: int) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key()).encrypt(nonce, plaintext.encode(), f"merchant:{center_id}".encode())
    return f"{VERSION}.{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, *, center_id: int) -> str:
    version, _sep, body = stored.partition(".")
    if version != VERSION:
        raise ValueError("unknown merchant id format")
    raw = base64.b64decode(body)
    try:
        return AESGCM(_key()).decrypt(raw[:12], raw[12:], f"merchant:{center_id}".encode()).decode()
    except InvalidTag:
        raise ValueError("the merchant id does not decrypt with this key for this center") from None


def hint(plaintext: str) -> str:
    """What may be shown: the last four characters."""
    return "…" + plaintext[-4:] if len(plaintext) > 4 else "…"
