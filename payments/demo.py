"""Demo data of payments: every demo center gets a sandbox merchant account (active where the center has its
bank account), so the donation pages work offline end to end. Idempotent: a center that has an account keeps
it."""

from .models import Gateway, MerchantAccount
from .services import merchant_account_save


def seed(ctx):
    for slug, center in sorted(ctx.centers.items()):
        if MerchantAccount.objects.filter(center=center).exists():
            continue
        merchant_account_save(center=center, gateway=Gateway.SANDBOX, merchant_id=f"sandbox-{slug}",
                              active=bool(center.iban))
