"""Builders shared by the payments tests (and tests/test_isolation.py)."""

from __future__ import annotations

from django_scopes import scope, scopes_disabled

from contributions.tests.conftest import license_center
from core.validators import iban_from_bban
from payments.models import Gateway, MerchantAccount, Payment
from payments.services import merchant_account_save


def accepting_center(world, **extra):
    """A licensed center with its bank account and an active sandbox merchant account."""
    center = license_center(world.center(**extra))
    with scopes_disabled():
        center.iban = iban_from_bban(f"065{center.pk:019d}")
        center.save(update_fields=["iban"])
    with scope(center=[center.pk]):
        merchant_account_save(center=center, gateway=Gateway.SANDBOX, merchant_id=f"sandbox-merchant-{center.pk}")
    return center


def payment_row(center, *, amount=1_000_000, status=Payment.Status.REDIRECTED, authority="", **extra):
    """A payment stored directly (for isolation and listing tests; the flow tests go through the services)."""
    from contributions.models import Purpose

    with scopes_disabled():
        account = MerchantAccount.objects.get(center=center)
        import secrets

        return Payment.objects.create(center=center, merchant=account, gateway=account.gateway,
                                      public_id=secrets.token_urlsafe(18), amount=amount,
                                      purpose=Purpose.objects.get(code="general"), status=status,
                                      authority=authority or f"SBX{secrets.token_hex(16)}", **extra)


def isolation_objects(center, *, secret: str) -> dict:
    """A merchant account and a payment of ``center`` (whose donor name is ``secret``), for the isolation
    walker in tests/test_isolation.py."""
    from payments import crypto

    with scopes_disabled():
        if not MerchantAccount.objects.filter(center=center).exists():
            MerchantAccount.objects.create(center=center, gateway=Gateway.SANDBOX,
                                           merchant_id_encrypted=crypto.encrypt("sandbox-x", center_id=center.pk),
                                           merchant_hint=crypto.hint("sandbox-x"))
    payment = payment_row(center, donor_name=secret)
    return {"api": {"payment": payment.pk}, "secret": secret}
