"""Encryption at rest and the blind index for beneficiaries' identifiers (DESIGN §8).

National codes and mobile numbers never reach the database in clear. Two keys, both kept outside the
database (environment variables), each with one job:

- ``BENEFICIARY_ENCRYPTION_KEY`` (32 bytes, urlsafe base64): AES-256-GCM. Every value gets a fresh 96-bit
  nonce, so the same code encrypts differently every time and equal ciphertexts tell nothing. The *purpose*
  (``"national_code"``, ``"mobile"``) is bound as associated data: a mobile's ciphertext pasted into a
  national-code column does not decrypt. Stored form: ``v1.<key id>.<base64(nonce + ciphertext + tag)>``;
  the key id (first 8 hex of SHA-256 of the key) tells which key wrote a value, so a key can be rotated by
  re-encrypting rows whose key id is the old one.
- ``BENEFICIARY_BLIND_INDEX_KEY``: HMAC-SHA256 over the *normalised* national code
  (``core.validators.normalize_national_code``), stored as 64 hex characters with an index. Equal codes give
  equal indexes at every center, which is what lookups and cross-center duplicate detection need; without
  the key the index cannot be computed from a guessed code (a national code has only 10^9 candidates, so a
  plain hash would be reversed in minutes). Leaking the database alone reveals neither codes nor who is who.

Why explicit calls and not a transparent model field: with a field that decrypts on load, every queryset,
``values()``, serializer, admin page and debug page would carry the plaintext, and a template could print it
by accident. Here the model attribute *is* the ciphertext; the only ways to plaintext are ``mask()`` (for
lists) and ``beneficiaries.services.reveal_identifier`` (logged). Fail closed.

Development: when a key is unset and ``settings.BENEFICIARY_KEYS_FROM_SECRET_KEY`` is true (``DEBUG`` on, or
a checkout running on its own generated ``.data/secret_key``: ``make run`` and the tests), the key is derived
from ``SECRET_KEY`` (a different derivation for each key) so a checkout runs with no setup. Otherwise an
unset key is an error at first use (``ImproperlyConfigured``): a deployment must set both, and keep them out
of the database and its backups. Changing ``SECRET_KEY`` on a development checkout makes its stored codes
unreadable (they show as dots), which is acceptable for demo data only.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.digits import to_latin_digits
from core.validators import normalize_national_code

VERSION = "v1"
NATIONAL_CODE = "national_code"
MOBILE = "mobile"
MASK_CHAR = "*"  # not a bullet: in Persian digits a bullet looks like zero (۰)


class DecryptionError(Exception):
    """A stored value that this key cannot open (wrong key, wrong purpose or tampered)."""


def _key(setting: str, derivation_label: bytes) -> bytes:
    allow_derived = bool(settings.DEBUG or getattr(settings, "BENEFICIARY_KEYS_FROM_SECRET_KEY", False))
    return _key_from(setting, getattr(settings, setting, "") or "", derivation_label, allow_derived,
                     settings.SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _key_from(setting: str, value: str, derivation_label: bytes, allow_derived: bool, secret_key: str) -> bytes:
    """Cached by the settings' values themselves, so a changed setting (a test's override) takes effect."""
    if value:
        try:
            key = base64.urlsafe_b64decode(value.encode() + b"=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"{setting} must be 32 bytes in urlsafe base64.") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"{setting} must be 32 bytes in urlsafe base64.")
        return key
    if not allow_derived:
        raise ImproperlyConfigured(f"{setting} is not set (required outside development).")
    # Development only: derived from SECRET_KEY, one label per key so the two keys differ.
    return hmac.new(secret_key.encode(), derivation_label, hashlib.sha256).digest()


@functools.lru_cache(maxsize=8)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def encryption_key() -> bytes:
    return _key("BENEFICIARY_ENCRYPTION_KEY", b"beneficiaries:encryption:v1")


def blind_index_key() -> bytes:
    return _key("BENEFICIARY_BLIND_INDEX_KEY", b"beneficiaries:blind-index:v1")


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def generate_key() -> str:
    """A new random key in the form the settings take (for ``BENEFICIARY_*_KEY``)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def encrypt(plaintext: str, *, purpose: str) -> str:
    """The stored form of ``plaintext``; an empty value stays empty (nothing to hide, nothing to find)."""
    if not plaintext:
        return ""
    key = encryption_key()
    nonce = os.urandom(12)
    sealed = _cipher(key).encrypt(nonce, plaintext.encode(), purpose.encode())
    return f"{VERSION}.{key_id(key)}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, *, purpose: str) -> str:
    if not stored:
        return ""
    try:
        version, _kid, payload = stored.split(".", 2)
        raw = base64.urlsafe_b64decode(payload.encode())
    except (ValueError, binascii.Error):
        raise DecryptionError("malformed ciphertext") from None
    if version != VERSION or len(raw) < 12 + 16:
        raise DecryptionError("unknown ciphertext version")
    try:
        return _cipher(encryption_key()).decrypt(raw[:12], raw[12:], purpose.encode()).decode()
    except InvalidTag:
        raise DecryptionError("ciphertext does not open with this key and purpose") from None


def blind_index(national_code: str) -> str:
    """The keyed HMAC-SHA256 of the normalised code (raises ``ValidationError`` for an invalid code)."""
    normalised = normalize_national_code(national_code)
    return hmac.new(blind_index_key(), normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str, *, head: int = 4, tail: int = 3) -> str:
    """``0499370899`` -> ``0499***899`` (the page's ``digits`` filter makes the digits Persian). Short values
    are masked whole: a mask must never show the whole value."""
    value = to_latin_digits(value or "")
    if not value:
        return ""
    if len(value) <= head + tail:
        return MASK_CHAR * len(value)
    return value[:head] + MASK_CHAR * (len(value) - head - tail) + value[-tail:]


def masked(stored: str, *, purpose: str) -> str:
    """The masked display of a stored (encrypted) value; a value this key cannot open shows as all dots."""
    try:
        return mask(decrypt(stored, purpose=purpose))
    except DecryptionError:
        return MASK_CHAR * 10 if stored else ""
