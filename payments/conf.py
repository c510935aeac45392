"""The payments app's settings, each with a default, read at call time (tests override them).

- ``PAYMENTS_SANDBOX_ENABLED``: serve the built-in sandbox bank and accept sandbox merchant accounts.
  Default: on unless the site runs with ``DJANGO_HTTPS`` (production).
- ``PAYMENTS_SANDBOX_BASE_URL``: where the sandbox bank's API is reached (``http://host:port``). Default: the
  origin of the payment's own callback address (the same app serves both).
- ``PAYMENTS_SANDBOX_SIMULATE``: a simulation applied to every sandbox payment (``slow``, ``fail``,
  ``duplicate``, ``late``), besides the one a tester picks on the bank page.
- ``PAYMENTS_SANDBOX_SLOW_SECONDS``: how long a "slow" sandbox bank waits before answering verify.
- ``PAYMENTS_EXPIRE_MINUTES``: a payment the donor abandoned at the bank expires after this long.
- ``PAYMENTS_PRESET_AMOUNTS``: the amount buttons on the donation page, in rials.
- ``PAYMENTS_MIN_AMOUNT`` / ``PAYMENTS_MAX_AMOUNT``: the bounds of one online gift, in rials (Shaparak's
  limits for a single card payment sit inside them).
- ``PAYMENTS_HTTP_TIMEOUT``: seconds to wait for a gateway's answer.
- ``PAYMENTS_ENCRYPTION_KEY``: the key merchant ids are encrypted with (base64 of 32 bytes). Default: derived
  from ``SECRET_KEY`` (set it in production, so rotating the secret keeps the merchant settings readable).
"""

from django.conf import settings


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def sandbox_enabled() -> bool:
    if hasattr(settings, "PAYMENTS_SANDBOX_ENABLED"):
        return bool(settings.PAYMENTS_SANDBOX_ENABLED)
    return not getattr(settings, "HTTPS", False)


DEFAULTS = {
    "PAYMENTS_SANDBOX_BASE_URL": "",
    "PAYMENTS_SANDBOX_SIMULATE": "",
    "PAYMENTS_SANDBOX_SLOW_SECONDS": 2.0,
    "PAYMENTS_EXPIRE_MINUTES": 30,
    "PAYMENTS_PRESET_AMOUNTS": [500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000],
    "PAYMENTS_MIN_AMOUNT": 10_000,
    "PAYMENTS_MAX_AMOUNT": 2_000_000_000,
    "PAYMENTS_HTTP_TIMEOUT": 15.0,
    "PAYMENTS_ENCRYPTION_KEY": "",
}
