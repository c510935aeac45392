"""Second factor (TOTP) for the people who must have one: supervisors and national administrators."""

from __future__ import annotations

from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from centers.access import user_requires_otp


def totp_device_for(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_pending_device(user) -> TOTPDevice:
    """The unconfirmed device a user is enrolling (created once, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_verify(*, user, code: str, request=None, device: TOTPDevice | None = None) -> bool:
    """Checks a six-digit code (any digit form) against the user's device; marks the session verified."""
    from core.digits import to_latin_digits

    device = device or totp_device_for(user)
    code = to_latin_digits((code or "").strip())
    if device is None or not code.isdigit() or not device.verify_token(code):
        return False
    with transaction.atomic():
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    if request is not None:
        otp_login(request, device)
    return True


__all__ = ["totp_device_for", "totp_pending_device", "totp_verify", "user_requires_otp"]
