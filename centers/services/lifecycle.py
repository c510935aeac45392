"""A center's lifecycle (application → review → licensed → suspended / revoked → dissolved) and its profile.

Seed 002: "the activity license of centers is issued by the relief committee, so any activity under the
center's name before the license is forbidden"; "renewal, suspension or revocation of the activity license
follow the results of supervision"; "on dissolution, the center's assets are handed over, sold or
distributed under the committee's supervision"; "the center's bank account is opened at Sandoogh-e Emdad-e
Velayat: opening an account at any other bank is forbidden"; "the committee and the board mark out the
center's activity area on a map before any activity".

The transition table is ``TRANSITIONS``: the only place that says which status may become which and who
may do it. Every change goes through ``center_transition`` and leaves one immutable ``CenterTransition``.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from centers import access
from centers.access import Action
from centers.models import BoardRole, Center, CenterTransition, License, TrusteeAppointment
from core import validators
from core.jalali import days_in_month, from_jalali, to_jalali
from reporting.rollups import mark_stale

S = Center.Status

# A license this close to its end is flagged on the center's pages and in the admin, and the board is reminded.
LICENSE_EXPIRY_WARNING_DAYS = 30
# The longest validity a supervisor may grant at once, in Jalali years.
LICENSE_MAX_YEARS = 5
# Bank identifiers (digits 5-7 of the sheba) a center's account may have. "صندوق امداد ولایت" (the designated
# bank of seed 002) is not a bank with a central-bank identifier of its own; deployments set the real code(s)
# in settings.CENTER_DESIGNATED_BANK_CODES. The default "065" is a placeholder in the unassigned range.
DEFAULT_DESIGNATED_BANK_CODES = ("065",)


def designated_bank_codes() -> tuple[str, ...]:
    return tuple(getattr(settings, "CENTER_DESIGNATED_BANK_CODES", DEFAULT_DESIGNATED_BANK_CODES))


# ---------------------------------------------------------------------------------------------------------------
# The transition table
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    action: Action
    reason_required: bool = False


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("submit", _("Submit the license application"), frozenset({S.APPLICATION}), S.REVIEW,
               Action.APPLY_LICENSE),
    Transition("return", _("Return the application to the chair"), frozenset({S.REVIEW}), S.APPLICATION,
               Action.SUPERVISE, reason_required=True),
    Transition("license", _("Issue the license"), frozenset({S.REVIEW}), S.LICENSED, Action.SUPERVISE),
    Transition("renew", _("Renew the license"), frozenset({S.LICENSED}), S.LICENSED, Action.SUPERVISE),
    Transition("suspend", _("Suspend"), frozenset({S.LICENSED}), S.SUSPENDED, Action.SUPERVISE,
               reason_required=True),
    Transition("reinstate", _("Reinstate"), frozenset({S.SUSPENDED}), S.LICENSED, Action.SUPERVISE),
    Transition("revoke", _("Revoke the license"), frozenset({S.LICENSED, S.SUSPENDED}), S.REVOKED,
               Action.SUPERVISE, reason_required=True),
    Transition("dissolve", _("Dissolve"), frozenset({S.LICENSED, S.REVOKED}), S.DISSOLVED, Action.SUPERVISE,
               reason_required=True),
)}


def transitions_allowed(*, center: Center, actor: access.Actor) -> list[Transition]:
    """The transitions this actor may apply to the center now (for buttons and the API)."""
    return [t for t in TRANSITIONS.values()
            if center.status in t.sources and access.may(actor, t.action, center)]


# ---------------------------------------------------------------------------------------------------------------
# Licenses: selectors and the operating check
# ---------------------------------------------------------------------------------------------------------------


def current_license(center: Center, *, on: datetime.date | None = None) -> License | None:
    """The license period covering ``on`` (today by default), or None."""
    on = on or timezone.localdate()
    return License.objects.filter(center=center, valid_from__lte=on, valid_until__gte=on).order_by(
        "-valid_until").first()


def latest_license(center: Center) -> License | None:
    return License.objects.filter(center=center).order_by("-valid_until", "-pk").first()


def license_is_near_expiry(license: License | None, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(license) and today <= license.valid_until <= today + datetime.timedelta(
        days=LICENSE_EXPIRY_WARNING_DAYS)


def licenses_near_expiry(*, today: datetime.date | None = None, days: int = LICENSE_EXPIRY_WARNING_DAYS):
    """Current licenses of licensed centers (in the open scope) ending within ``days``, without a later period."""
    today = today or timezone.localdate()
    later = License.objects.filter(center=OuterRef("center"), valid_until__gt=OuterRef("valid_until"))
    return (License.objects.filter(center__status=S.LICENSED, valid_from__lte=today, valid_until__gte=today,
                                   valid_until__lte=today + datetime.timedelta(days=days))
            .exclude(Exists(later)).select_related("center"))


def center_operating_problem(center: Center, *, on: datetime.date | None = None):
    """Why the center may not record contributions, beneficiaries or aid now, or None when it may."""
    if center.status in (S.APPLICATION, S.REVIEW):
        return _("This center cannot record contributions, beneficiaries or aid: it is not licensed yet.")
    if center.status == S.SUSPENDED:
        return _("This center cannot record contributions, beneficiaries or aid: its license is suspended.")
    if center.status == S.REVOKED:
        return _("This center cannot record contributions, beneficiaries or aid: its license is revoked.")
    if center.status == S.DISSOLVED:
        return _("This center cannot record contributions, beneficiaries or aid: it is dissolved.")
    if current_license(center, on=on) is None:
        return _("This center cannot record contributions, beneficiaries or aid: its license has expired.")
    if center.kind == Center.Kind.SOCIAL_HEALTH_BASE:  # seed 004: an NGO with a valid license, a yearly agreement
        from bases.services.ngos import base_operating_problem

        return base_operating_problem(center, on=on)
    return None


def center_can_operate(center: Center, *, on: datetime.date | None = None) -> bool:
    """True when the center is licensed and its license covers today (seed 002: no activity before the license).
    Every service that records contributions, beneficiaries or aid asks this first (``require_...``)."""
    return center_operating_problem(center, on=on) is None


def require_center_can_operate(center: Center, *, on: datetime.date | None = None) -> None:
    problem = center_operating_problem(center, on=on)
    if problem is not None:
        raise ValidationError(problem, code="center_cannot_operate")


def jalali_years_later(start: datetime.date, years: int) -> datetime.date:
    """The last day of a validity of ``years`` Jalali years starting on ``start`` (the day before the same
    Jalali date ``years`` later; 30 Esfand becomes 29 Esfand in a common year)."""
    j = to_jalali(start)
    year = j.year + years
    day = min(j.day, days_in_month(year, j.month))
    return from_jalali(year, j.month, day) - datetime.timedelta(days=1)


def _activity_code(center: Center) -> str:
    # Organisation, county and the center's own number: unique because the number is.
    prefix = "RC" if center.organization.code == "relief_committee" else "WF"
    return f"{prefix}-{center.county.code}-{center.pk:05d}"


# ---------------------------------------------------------------------------------------------------------------
# The one writer of status changes
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def center_transition(*, center: Center, name: str, actor: access.Actor, reason: str = "",
                      years: int | None = None, valid_from: datetime.date | None = None,
                      assets: str = "") -> CenterTransition:
    """Applies transition ``name`` of ``TRANSITIONS`` to the center, or refuses it and changes nothing.

    - submit (the chair): refused while a core role of the board is empty (seed 002 names six core roles);
    - license / renew (a supervisor): a validity of ``years`` Jalali years from ``valid_from`` (today by
      default); the first license assigns the center's unique activity code;
    - return / suspend / revoke / dissolve need a reason; dissolve also records what became of the assets
      ("handed over, sold or distributed under the committee's supervision", seed 002).
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError(_("Unknown status change."), code="unknown_transition")
    locked = Center.objects.select_for_update().select_related("organization", "county").get(pk=center.pk)
    if not access.may(actor, transition.action, locked):
        raise PermissionDenied
    if locked.status not in transition.sources:
        raise ValidationError(
            _("“%(transition)s” is not possible for a center whose status is “%(status)s”.")
            % {"transition": transition.label, "status": locked.get_status_display()},
            code="illegal_transition")
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise ValidationError(_("A reason is required for “%(transition)s”.") % {"transition": transition.label},
                              code="reason_required")
    data: dict = {}
    if name == "submit":
        missing = access.missing_core_roles(locked)
        if missing:
            raise ValidationError(
                _("The application cannot be submitted while these core roles of the board are empty: %(roles)s.")
                % {"roles": "، ".join(str(BoardRole(r).label) for r in missing)}, code="board_incomplete")
    elif name in ("license", "renew"):
        data.update(_license_period(center=locked, actor=actor, renewal=name == "renew", years=years,
                                    valid_from=valid_from))
    elif name == "dissolve":
        assets = (assets or "").strip()
        if not assets:
            raise ValidationError(_("Record what became of the center's assets before dissolving it."),
                                  code="assets_required")
        data["assets"] = assets
    record = CenterTransition.objects.create(center=locked, name=name, from_status=locked.status,
                                             to_status=transition.target, actor=actor.user, reason=reason,
                                             data=data)
    if locked.status != transition.target:
        locked.status = transition.target
        locked.save(update_fields=["status"])
    center.status = locked.status
    center.activity_code = locked.activity_code
    mark_stale(locked.pk, record.at)
    return record


def _license_period(*, center: Center, actor: access.Actor, renewal: bool, years: int | None,
                    valid_from: datetime.date | None) -> dict:
    if years is None or not 1 <= int(years) <= LICENSE_MAX_YEARS:
        raise ValidationError(_("The validity must be between 1 and %(max)s Jalali years.")
                              % {"max": LICENSE_MAX_YEARS}, code="invalid_years")
    years = int(years)
    if valid_from is None:
        valid_from = timezone.localdate()
        if renewal:
            latest = latest_license(center)
            if latest is not None and latest.valid_until >= valid_from:
                valid_from = latest.valid_until + datetime.timedelta(days=1)  # renewal continues the period
    elif renewal and License.objects.filter(center=center, valid_until__gte=valid_from).exists():
        raise ValidationError(_("The renewed period must start after the current license ends."),
                              code="overlapping_license")
    if not center.activity_code:
        center.activity_code = _activity_code(center)
        center.save(update_fields=["activity_code"])
    license = License.objects.create(
        center=center, activity_code=center.activity_code, valid_from=valid_from,
        valid_until=jalali_years_later(valid_from, years), issued_by=actor.user,
        kind=License.Kind.RENEWAL if renewal else License.Kind.ISSUE)
    return {"license": license.pk, "activity_code": license.activity_code, "years": years,
            "valid_from": license.valid_from.isoformat(), "valid_until": license.valid_until.isoformat()}


# ---------------------------------------------------------------------------------------------------------------
# Expiry reminders
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def license_expiry_remind(*, license_id: int) -> bool:
    """Emails the chair and vice-chair that the license ends soon, once per license period. Returns whether
    it sent (False when already sent, renewed, or nobody to write to)."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    license = License.objects.select_for_update().select_related("center").filter(pk=license_id).first()
    if license is None or license.reminder_sent_at is not None or not license_is_near_expiry(license):
        return False
    emails = sorted({a.user.email for a in TrusteeAppointment.objects.select_related("user").filter(
        center=license.center, status=TrusteeAppointment.Status.ACTIVE,
        role__in=[BoardRole.CHAIR, BoardRole.VICE_CHAIR]) if a.user.email})
    if not emails:
        return False
    with translation.override("fa"):
        context = {"license": license, "center": license.center}
        subject = render_to_string("centers/lifecycle/email/license_expiry_subject.txt", context).strip()
        body = render_to_string("centers/lifecycle/email/license_expiry.txt", context)
    send_mail(subject, body, None, emails)
    license.reminder_sent_at = timezone.now()
    license.save(update_fields=["reminder_sent_at"])
    return True


# ---------------------------------------------------------------------------------------------------------------
# The activity area: GeoJSON validation and overlap, in plain Python
# ---------------------------------------------------------------------------------------------------------------

# Iran's rough bounding box (longitude, latitude).
IRAN_LON = (44.0, 63.5)
IRAN_LAT = (25.0, 40.0)


def validate_polygon(value) -> dict:
    """Checks a GeoJSON Polygon (RFC 7946): closed rings of at least four [lon, lat] positions inside Iran."""
    def fail(message):
        raise ValidationError(message, code="invalid_polygon")

    if not isinstance(value, dict) or value.get("type") != "Polygon":
        fail(_("The activity area must be a GeoJSON object of type Polygon."))
    rings = value.get("coordinates")
    if not isinstance(rings, list) or not rings:
        fail(_("The polygon has no coordinates."))
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            fail(_("Each ring of the polygon needs at least four positions."))
        for position in ring:
            if (not isinstance(position, list) or len(position) not in (2, 3)
                    or not all(isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n)
                               for n in position)):
                fail(_("Each position must be a pair of numbers: [longitude, latitude]."))
            lon, lat = position[0], position[1]
            if not (IRAN_LON[0] <= lon <= IRAN_LON[1] and IRAN_LAT[0] <= lat <= IRAN_LAT[1]):
                fail(_("The position [%(lon)s, %(lat)s] is outside Iran (longitude first, then latitude).")
                     % {"lon": lon, "lat": lat})
        if ring[0][:2] != ring[-1][:2]:
            fail(_("Each ring of the polygon must be closed: its last position must repeat the first."))
        if len({tuple(p[:2]) for p in ring}) < 3:
            fail(_("A ring of the polygon needs at least three distinct positions."))
    return {"type": "Polygon", "coordinates": [[list(p[:2]) for p in ring] for ring in rings]}


def _bbox(ring):
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _orient(a, b, c) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(a, b, p) -> bool:
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def segments_intersect(p1, p2, q1, q2) -> bool:
    d1, d2 = _orient(q1, q2, p1), _orient(q1, q2, p2)
    d3, d4 = _orient(p1, p2, q1), _orient(p1, p2, q2)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True
    return ((d1 == 0 and _on_segment(q1, q2, p1)) or (d2 == 0 and _on_segment(q1, q2, p2))
            or (d3 == 0 and _on_segment(p1, p2, q1)) or (d4 == 0 and _on_segment(p1, p2, q2)))


def point_in_ring(point, ring) -> bool:
    """Ray casting (even-odd rule)."""
    x, y = point[0], point[1]
    inside = False
    for (x1, y1), (x2, y2) in zip((p[:2] for p in ring), (p[:2] for p in ring[1:]), strict=False):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def polygons_overlap(a: dict, b: dict) -> bool:
    """Do two valid GeoJSON Polygons share any area or boundary? Outer rings only (holes are ignored, so a
    center inside another's hole is reported: a warning errs on the side of telling)."""
    ra, rb = a["coordinates"][0], b["coordinates"][0]
    ax1, ay1, ax2, ay2 = _bbox(ra)
    bx1, by1, bx2, by2 = _bbox(rb)
    if ax2 < bx1 or bx2 < ax1 or ay2 < by1 or by2 < ay1:
        return False
    for p1, p2 in zip(ra, ra[1:], strict=False):
        for q1, q2 in zip(rb, rb[1:], strict=False):
            if segments_intersect(p1, p2, q1, q2):
                return True
    return point_in_ring(ra[0], rb) or point_in_ring(rb[0], ra)


def overlapping_centers(*, center: Center, area: dict) -> list[str]:
    """Names of other centers in the same county whose activity area overlaps ``area`` (a warning only).

    Reads outside the actor's scope on purpose: a trustee cannot see the neighbouring centers, but the rule
    "one area per neighbourhood" needs them. Only their names leave this function.
    """
    with scopes_disabled():  # reviewed: returns only the names of same-county centers with overlapping areas
        others = list(Center.objects.filter(county_id=center.county_id, activity_area__isnull=False)
                      .exclude(pk=center.pk).exclude(status=S.DISSOLVED).values_list("name", "activity_area"))
    return sorted(name for name, other in others if isinstance(other, dict) and _valid(other)
                  and polygons_overlap(area, other))


def _valid(area) -> bool:
    try:
        validate_polygon(area)
    except ValidationError:
        return False
    return True


# ---------------------------------------------------------------------------------------------------------------
# The profile
# ---------------------------------------------------------------------------------------------------------------

PROFILE_FIELDS = ("host_place", "host_place_name", "address", "postal_code", "phone", "mobile", "iban",
                  "activity_area", "activity_area_description")


def validate_center_iban(value: str) -> str:
    """A valid sheba at the designated bank (seed 002: any account at another bank is forbidden)."""
    iban = validators.normalize_iban(value)
    if iban[4:7] not in designated_bank_codes():
        raise ValidationError(
            _("The center's account must be at the designated bank (Sandoogh-e Emdad-e Velayat); "
              "this sheba belongs to another bank."), code="not_designated_bank")
    return iban


def normalize_phone(value: str) -> str:
    """A landline number with its area code: 0 + 10 digits (Persian or Arabic digits accepted)."""
    from core.digits import to_latin_digits

    text = "".join(ch for ch in to_latin_digits(str(value)) if ch not in " -()")
    if len(text) != 11 or not text.isascii() or not text.isdigit() or not text.startswith("0"):
        raise ValidationError(_("Enter a landline number with its area code, e.g. 031 3222 1234."),
                              code="invalid_phone")
    return text


@transaction.atomic
def center_profile_update(*, center: Center, actor: access.Actor, **changes) -> list[str]:
    """Updates the center's profile fields. Returns warnings: the names of same-county centers whose
    activity area overlaps the new one (a warning, not a refusal: the committee settles borders)."""
    if not access.may(actor, Action.EDIT_PROFILE, center):
        raise PermissionDenied
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if changes.get("iban"):
        changes["iban"] = validate_center_iban(changes["iban"])
    if changes.get("postal_code"):
        changes["postal_code"] = validators.normalize_postal_code(changes["postal_code"])
    if changes.get("mobile"):
        changes["mobile"] = validators.normalize_mobile(changes["mobile"])
    if changes.get("phone"):
        changes["phone"] = normalize_phone(changes["phone"])
    warnings: list[str] = []
    if changes.get("activity_area"):
        changes["activity_area"] = validate_polygon(changes["activity_area"])
        if changes["activity_area"] != center.activity_area:
            warnings = overlapping_centers(center=center, area=changes["activity_area"])
    for name, value in changes.items():
        setattr(center, name, value)
    center.full_clean(exclude=["slug", "organization", "county", "activity_code"])
    center.save(update_fields=list(changes))
    return warnings
