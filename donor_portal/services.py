"""Writers of the donors' own pages: login codes, the donor's identity in the session, and what a donor may
change themselves (pledges through the pledge services, communication preferences).

**Login by SMS code.** ``login_code_request`` always answers the same, whether or not the mobile belongs to
a donor (no one learns who gives): it stores a code's hash either way and sends the SMS only to a known
donor. Codes are six digits, stored as HMAC-SHA256 under ``DONOR_OTP_KEY`` (derived from ``SECRET_KEY``
when unset), expire after ``DONOR_OTP_TTL`` seconds (default 180), allow ``DONOR_OTP_MAX_ATTEMPTS`` tries
(default 5) and are replaced by the next one sent. Rate limits (counted in the cache, like the complaint
form's, so every web process shares them): per mobile ``DONOR_OTP_PER_MOBILE`` codes (default 3) per
15 minutes, per client address ``DONOR_OTP_PER_ADDRESS`` codes (default 10) and
``DONOR_OTP_VERIFY_PER_ADDRESS`` tries (default 30) per hour.

**The donor's session** holds only a signed, timestamped value of the mobile (``signing.dumps`` with its own
salt, read back with ``DONOR_SESSION_AGE`` as its maximum age), beside and separate from a staff login:
a donor is never a ``User``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contributions.models import Pledge
from contributions.services import pledges as pledge_services
from core.digits import to_latin_digits
from core.validators import normalize_mobile
from donors.models import Donor

from .models import LoginCode

SESSION_KEY = "donor_portal.identity"
PENDING_KEY = "donor_portal.pending_mobile"
SESSION_SALT = "donor_portal.session"
RATE_WINDOW_MOBILE = 15 * 60
RATE_WINDOW_ADDRESS = 60 * 60


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


class RateLimited(Exception):
    """Too many codes or tries from this mobile or address; the view answers 429."""


# --- codes -----------------------------------------------------------------------------------------------

def _otp_key() -> bytes:
    key = getattr(settings, "DONOR_OTP_KEY", "")
    if key:
        return key.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"donor_portal.otp", hashlib.sha256).digest()


def code_hash(mobile: str, code: str) -> str:
    """The stored form of a code: bound to the mobile, so a hash copied to another row proves nothing."""
    return hmac.new(_otp_key(), f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _client_key(address: str) -> str:
    return hashlib.sha256((address or "unknown").encode()).hexdigest()[:32]


def donors_for_mobile(mobile: str) -> list[Donor]:
    """Every donor row with this mobile, in every organisation (merged ones are folded into their survivor)."""
    # reviewed: reads the donors whose mobile the visitor proved to hold (or is asking a code for); nothing
    # of them is shown before the code is verified.
    return list(Donor._base_manager.filter(mobile=mobile, merged_into__isnull=True).order_by("pk"))


def login_code_request(*, mobile: str, client_address: str) -> None:
    """Sends a login code to ``mobile`` if it is a donor's; the same outcome for anyone else. Raises
    ``RateLimited`` (for known and unknown numbers alike) and ``ValidationError`` for a malformed number."""
    mobile = normalize_mobile(mobile)
    over_address = _count(f"donor_portal:code-addr:{_client_key(client_address)}", RATE_WINDOW_ADDRESS) \
        > _setting("DONOR_OTP_PER_ADDRESS", 10)
    over_mobile = _count(f"donor_portal:code-mobile:{mobile}", RATE_WINDOW_MOBILE) \
        > _setting("DONOR_OTP_PER_MOBILE", 3)
    if over_address or over_mobile:
        raise RateLimited
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        LoginCode.objects.filter(mobile=mobile, used_at__isnull=True, superseded=False).update(superseded=True)
        LoginCode.objects.create(mobile=mobile, code_hash=code_hash(mobile, code),
                                 expires_at=timezone.now() + timedelta(seconds=_setting("DONOR_OTP_TTL", 180)))
        if donors_for_mobile(mobile):
            from .tasks import send_login_code_task

            with translation.override("fa"):
                text = _("Your code for the donors' pages: %(code)s\nDo not give it to anyone.") % {"code": code}
            transaction.on_commit(lambda: send_login_code_task.delay(mobile=mobile, code=code, text=text))


def _check(mobile: str, code: str) -> bool:
    """Counts one try on the mobile's current code; True when it matches. Commits the count either way."""
    now = timezone.now()
    with transaction.atomic():
        current = (LoginCode.objects.select_for_update()
                   .filter(mobile=mobile, used_at__isnull=True, superseded=False, expires_at__gt=now)
                   .order_by("-created_at").first())
        if current is None or current.attempts >= _setting("DONOR_OTP_MAX_ATTEMPTS", 5):
            return False
        current.attempts += 1
        matches = hmac.compare_digest(current.code_hash, code_hash(mobile, code))
        if matches:
            current.used_at = now
        current.save(update_fields=["attempts", "used_at"])
        return matches


def login_code_verify(*, mobile: str, code: str, client_address: str) -> str:
    """The mobile, once ``code`` is its current, unexpired, unused code and the donor exists. Otherwise one
    message for every case (wrong, expired, used up, unknown number). Raises ``RateLimited`` past the
    address's tries."""
    if _count(f"donor_portal:verify-addr:{_client_key(client_address)}", RATE_WINDOW_ADDRESS) \
            > _setting("DONOR_OTP_VERIFY_PER_ADDRESS", 30):
        raise RateLimited
    refused = ValidationError(_("The code is wrong or has expired. Ask for a new code."), code="bad_code")
    try:
        mobile = normalize_mobile(mobile)
    except ValidationError:
        raise refused from None
    code = to_latin_digits("".join(ch for ch in str(code) if ch.isdigit()))
    if len(code) != 6 or not _check(mobile, code) or not donors_for_mobile(mobile):
        raise refused
    return mobile


# --- the donor's session ----------------------------------------------------------------------------------

def session_login(request, mobile: str) -> None:
    """Puts the donor's identity in the session under a new session key (no fixation)."""
    request.session.cycle_key()
    request.session.pop(PENDING_KEY, None)
    request.session[SESSION_KEY] = signing.dumps({"mobile": mobile}, salt=SESSION_SALT)


def session_logout(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def session_mobile(request) -> str | None:
    value = request.session.get(SESSION_KEY)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=SESSION_SALT, max_age=_setting("DONOR_SESSION_AGE", 2 * 60 * 60))
    except signing.BadSignature:  # tampered or too old (SignatureExpired is a BadSignature)
        request.session.pop(SESSION_KEY, None)
        return None
    return data.get("mobile") if isinstance(data, dict) else None


@dataclass
class DonorIdentity:
    """The person behind a verified mobile: their donor rows and the centers those rows are linked to."""

    mobile: str
    donors: list[Donor]
    center_ids: list[int]

    @property
    def donor_ids(self) -> list[int]:
        return [d.pk for d in self.donors]

    @property
    def display_name(self) -> str:
        return next((d.display_name for d in self.donors if d.display_name), "")

    def donor_at(self, center) -> Donor | None:
        """The donor row of this person in the center's organisation (the one linked to it first)."""
        linked = set(self.linked_donor_ids(center))
        same_org = [d for d in self.donors if d.organization_id == center.organization_id]
        return next((d for d in same_org if d.pk in linked), same_org[0] if same_org else None)

    def linked_donor_ids(self, center) -> list[int]:
        from donors.models import DonorLink

        return list(DonorLink.objects.filter(center=center, donor_id__in=self.donor_ids)
                    .values_list("donor_id", flat=True))


def identity_for(mobile: str) -> DonorIdentity | None:
    donors = donors_for_mobile(mobile)
    if not donors:
        return None
    from django_scopes import scopes_disabled

    from donors.models import DonorLink

    with scopes_disabled():  # reviewed: the ids of the centers this verified donor is linked to, nothing else
        center_ids = sorted(set(DonorLink.objects.filter(donor__in=donors).values_list("center_id", flat=True)))
    return DonorIdentity(mobile=mobile, donors=donors, center_ids=center_ids)


# --- what the donor changes -------------------------------------------------------------------------------

def _by_donor(reason: str) -> str:
    with translation.override("fa"):
        prefix = _("By the donor on their own page")
    reason = (reason or "").strip()
    return f"{prefix}: {reason}" if reason else prefix


def donor_pledge_create(*, identity: DonorIdentity, center, kind: str, purpose, amount: int, start_year: int,
                        start_month: int, due_day: int, instalment_count: int | None = None) -> Pledge:
    """A pledge the donor makes at a center where they have given (a cash pledge for a purpose; the
    sponsorships are arranged with the center). Goes through ``pledge_create`` with no staff user."""
    from contributions.models import Contribution

    donor = identity.donor_at(center)
    if donor is None or center.pk not in identity.center_ids or not Contribution.objects.filter(
            center=center, donor_id__in=identity.donor_ids, status=Contribution.Status.CONFIRMED).exists():
        raise ValidationError(_("You can pledge at a center where you have given."), code="not_a_donor_here")
    return pledge_services.pledge_create(
        center=center, donor=donor, kind=kind, amount=amount, start_year=start_year, start_month=start_month,
        due_day=due_day, purpose=purpose, instalment_count=instalment_count, note=_by_donor(""), user=None)


def donor_pledge_pause(*, pledge: Pledge, reason: str = "") -> Pledge:
    return pledge_services.pledge_pause(pledge=pledge, reason=_by_donor(reason), user=None)


def donor_pledge_resume(*, pledge: Pledge) -> Pledge:
    return pledge_services.pledge_resume(pledge=pledge, user=None)


def donor_pledge_cancel(*, pledge: Pledge, reason: str) -> Pledge:
    if not (reason or "").strip():
        raise ValidationError(_("Say why the pledge is cancelled."), code="reason_required")
    return pledge_services.pledge_cancel(pledge=pledge, reason=_by_donor(reason), user=None)


@transaction.atomic
def donor_preferences_update(*, identity: DonorIdentity, consent: bool, contact_by_sms: bool,
                             contact_by_email: bool, contact_by_post: bool, name_on_receipt: bool) -> int:
    """The donor's own choices, on every donor row of theirs (one person, one set of choices). Withdrawing
    consent turns every channel off, as the donors app does. Returns how many rows changed."""
    if not consent and (contact_by_sms or contact_by_email or contact_by_post):
        raise ValidationError(_("Agree to be contacted before choosing how."), code="consent_required")
    now = timezone.now()
    changed = 0
    # reviewed: exactly the rows of the verified identity, locked in primary-key order
    for donor in Donor._base_manager.select_for_update().filter(pk__in=identity.donor_ids).order_by("pk"):
        donor.consent_at = (donor.consent_at or now) if consent else None
        donor.contact_by_sms, donor.contact_by_email, donor.contact_by_post = (
            contact_by_sms, contact_by_email, contact_by_post)
        donor.name_on_receipt = name_on_receipt
        donor.save(update_fields=["consent_at", "contact_by_sms", "contact_by_email", "contact_by_post",
                                  "name_on_receipt"])
        changed += 1
    return changed
