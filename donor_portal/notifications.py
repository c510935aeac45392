"""Messages to donors by SMS (seed 000: continuous, up-to-date reporting to donors to build public trust).

Only to a donor with a mobile who agreed to be contacted by SMS (``consent_at`` set and ``contact_by_sms``).
Each message is a ``DonorMessage`` with a unique key (what it is about), queued after the transaction
that caused it commits and sent by a task that retries while the provider is unreachable; a message is sent
once however often it is asked for. A message never names a beneficiary nor quotes a progress note: it
says there is news and links to the donor's own page.

- ``receipt_issued(contribution=...)``: called by ``contribution_confirm`` once the receipt is issued; after
  commit, the donor gets the receipt's public verification link.
- ``pledge_reminders_queue(center=...)``: the daily task; instalments of active pledges due within
  ``DONOR_REMINDER_DAYS_AHEAD`` days (default 3) and not yet paid, one reminder per instalment.
- ``notify_sponsorship_news(pledge, note)``: for the integrator, when a progress note of a sponsorship is
  published.
"""

from __future__ import annotations

import datetime
import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope

from centers.models import Center
from contributions.models import Contribution, Pledge, PledgeInstalment
from core.digits import format_number_fa
from core.jalali import format_jalali
from core.sms import SmsError, SmsTransientError, send_sms

from .models import DonorMessage


def _base_url() -> str:
    return (getattr(settings, "PORTAL_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def portal_url() -> str:
    return _base_url() + reverse("donor_portal:dashboard")


def may_text(donor) -> bool:
    """The donor has a mobile and agreed to be contacted by SMS."""
    return bool(donor is not None and donor.mobile and donor.contact_by_sms and donor.consent_at is not None)


def _queue(*, center_id: int, donor, kind: str, key: str, text: str) -> DonorMessage | None:
    """Stores the message (once per key) and queues its sending after commit. None when it exists already."""
    from .tasks import deliver_message

    with scope(center=[center_id]):
        if DonorMessage.objects.filter(key=key).exists():
            return None
        try:
            with transaction.atomic():
                message = DonorMessage.objects.create(center_id=center_id, donor=donor, kind=kind, key=key,
                                                      mobile=donor.mobile, text=text)
        except IntegrityError:  # queued at the same moment by another worker
            return None
    deliver_message.enqueue(center_id=center_id, message_id=message.pk)
    return message


@transaction.atomic
def message_deliver(*, message_id: int) -> str:
    """Sends a queued message and records the outcome. A transient failure raises (the task retries);
    a refusal marks the message failed."""
    message = DonorMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None or message.status != DonorMessage.Status.QUEUED:
        return message.status if message else "missing"
    try:
        message.provider_id = send_sms(message.mobile, message.text)[:64]
    except SmsTransientError:
        raise
    except SmsError as exc:
        message.status, message.error = DonorMessage.Status.FAILED, str(exc)[:255]
        message.save(update_fields=["status", "error"])
        return message.status
    message.status, message.sent_at = DonorMessage.Status.SENT, timezone.now()
    message.save(update_fields=["status", "provider_id", "sent_at"])
    return message.status


# --- receipts ----------------------------------------------------------------------------------------------

def receipt_issued(*, contribution: Contribution) -> None:
    """The hook in ``contribution_confirm``: after commit, queue the receipt link for a donor who may be
    texted (the task checks again with what is committed)."""
    if contribution.donor_id is None or not may_text(contribution.donor):
        return
    from .tasks import notify_receipt

    notify_receipt.enqueue(center_id=contribution.center_id, contribution_id=contribution.pk)


def receipt_message_queue(*, contribution_id: int) -> str:
    contribution = (Contribution.objects.select_related("donor", "center", "receipt")
                    .filter(pk=contribution_id, status=Contribution.Status.CONFIRMED).first())
    if contribution is None or not hasattr(contribution, "receipt") or not may_text(contribution.donor):
        return "skipped"
    from contributions.services.receipts import receipt_verification_url

    receipt = contribution.receipt
    with translation.override("fa"):
        text = _("Thank you for your gift of %(amount)s rials to %(center)s.\nReceipt %(number)s: %(url)s\n"
                 "All your gifts: %(portal)s") % {
            "amount": format_number_fa(contribution.amount), "center": contribution.center.name,
            "number": receipt.display_number, "url": receipt_verification_url(receipt, base_url=_base_url()),
            "portal": portal_url()}
    message = _queue(center_id=contribution.center_id, donor=contribution.donor, kind=DonorMessage.Kind.RECEIPT,
                     key=f"receipt:{receipt.pk}", text=text)
    return "queued" if message else "exists"


# --- pledge reminders --------------------------------------------------------------------------------------

def pledge_reminders_queue(*, center: Center, today: datetime.date | None = None) -> int:
    """Queues one reminder for each unpaid instalment of the center's active pledges falling due within the
    next few days, for donors who may be texted. A center that may not operate reminds no one."""
    from django.core.exceptions import ValidationError

    from centers.services.lifecycle import require_center_can_operate

    try:
        require_center_can_operate(center)
    except ValidationError:
        return 0
    today = today or timezone.localdate()
    ahead = int(getattr(settings, "DONOR_REMINDER_DAYS_AHEAD", 3))
    instalments = (PledgeInstalment.objects
                   .filter(center=center, pledge__status=Pledge.Status.ACTIVE, due_on__gte=today,
                           due_on__lte=today + timedelta(days=ahead),
                           status__in=(PledgeInstalment.Status.DUE, PledgeInstalment.Status.PARTLY_PAID))
                   .filter(~Q(pledge__donor__mobile=""), pledge__donor__contact_by_sms=True,
                           pledge__donor__consent_at__isnull=False)
                   .select_related("pledge__donor", "pledge__purpose").order_by("due_on", "pk"))
    queued = 0
    for instalment in instalments:
        pledge = instalment.pledge
        with translation.override("fa"):
            text = _("Reminder: your pledge of %(amount)s rials for %(purpose)s at %(center)s is due on "
                     "%(date)s.\nYour page: %(portal)s") % {
                "amount": format_number_fa(instalment.amount_due - instalment.amount_paid),
                "purpose": pledge.purpose.name, "center": center.name,
                "date": format_jalali(instalment.due_on), "portal": portal_url()}
        if _queue(center_id=center.pk, donor=pledge.donor, kind=DonorMessage.Kind.PLEDGE_REMINDER,
                  key=f"pledge-reminder:{instalment.pk}", text=text):
            queued += 1
    return queued


# --- sponsorship news -------------------------------------------------------------------------------------

def notify_sponsorship_news(pledge: Pledge, note) -> DonorMessage | None:
    """Tells the sponsor of ``pledge`` that a progress note was published (call it after the note is saved,
    inside or outside a transaction). The SMS only says there is news at the center and links to the
    donor's page: the note itself is read there. ``note`` is the note object (its ``pk`` makes the message
    unique) or its text. Returns the queued message, or None (not a sponsorship, no consent, already sent)."""
    if not pledge.is_sponsorship or pledge.status not in (Pledge.Status.ACTIVE, Pledge.Status.PAUSED):
        return None
    donor = pledge.donor
    if not may_text(donor):
        return None
    note_key = getattr(note, "pk", None) or hashlib.sha256(str(note).encode()).hexdigest()[:16]
    with translation.override("fa"):
        text = _("News of your %(sponsorship)s at %(center)s: a new progress report is on your page.\n"
                 "%(portal)s") % {"sponsorship": pledge.get_target_display(), "center": pledge.center.name,
                                  "portal": portal_url()}
    return _queue(center_id=pledge.center_id, donor=donor, kind=DonorMessage.Kind.SPONSORSHIP_NEWS,
                  key=f"sponsorship-news:{pledge.pk}:{note_key}", text=text)
