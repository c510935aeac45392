"""The only writers of case notes, referrals and their status changes (social work, مددکاری).

Like the household services: keyword-only and atomic; access first (404 for another center's household, 403
for a role that may not: only the chair, the vice-chair and the social-work officer, and the supervisors over
the center, hold ``WRITE_CASE_NOTES``), then the center's license, then the row-level-security setting; every
check before the first write, and a translated ``ValidationError`` with a ``code`` on refusal.

Case notes are a record (seed 002: the needy are served "confidentially and respectfully", and what was seen
stays as it was written): its author may correct a note on the day it was written; after that, a correction
is a new note pointing at the old one. Migration ``0005_socialwork_sql`` enforces the same in the database.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import rls
from beneficiaries.models import CaseNote, Household, Referral, ReferralStatusChange
from centers.access import Action, Actor, require
from centers.services.lifecycle import require_center_can_operate

__all__ = ["case_note_edit", "case_note_editable", "case_note_write", "referral_make",
           "referral_status_change"]

MAX_TEXT = 10_000  # characters of a note, a reason or an outcome

S = Referral.Status
# What a referral's status may become (the answer of the body it was sent to). Done and declined are final:
# a new referral is made if the household is sent again.
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    S.SENT: frozenset({S.ACCEPTED, S.IN_PROGRESS, S.DONE, S.DECLINED}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.DONE, S.DECLINED}),
    S.IN_PROGRESS: frozenset({S.DONE, S.DECLINED}),
    S.DONE: frozenset(),
    S.DECLINED: frozenset(),
}


def _start(actor: Actor, household: Household) -> None:
    require(actor, Action.WRITE_CASE_NOTES, household)
    require_center_can_operate(household.center)
    rls.apply_scope(fallback=[household.center_id])


def _text(value, *, message: str, code: str, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None or (required and not value):
        raise ValidationError(message, code=code)
    if len(value) > MAX_TEXT:
        raise ValidationError(_("The text is too long (at most %(n)s characters).") % {"n": MAX_TEXT},
                              code="too_long")
    return value


def _past_date(value, *, message: str, code: str) -> datetime.date:
    """A date, not in the future (``message``) and not before 1990 (a typing mistake)."""
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime) or value > timezone.localdate():
        raise ValidationError(message, code=code)
    if value.year < 1990:
        raise ValidationError(_("The date is not possible."), code=code)
    return value


def _active(household: Household) -> None:
    if household.status != Household.Status.ACTIVE:
        raise ValidationError(_("The household's file is closed."), code="household_closed")


def _checked_note(*, kind, noted_on, text, follow_up_on) -> tuple[str, datetime.date, str, datetime.date | None]:
    if kind not in CaseNote.Kind.values:
        raise ValidationError(_("Unknown kind of note."), code="bad_kind")
    noted_on = _past_date(noted_on, message=_("A note cannot be dated in the future."), code="bad_noted_on")
    text = _text(text, message=_("Write the note."), code="text_required")
    if follow_up_on is not None and (not isinstance(follow_up_on, datetime.date) or follow_up_on < noted_on):
        raise ValidationError(_("The follow-up date cannot come before the note's date."), code="bad_follow_up_on")
    return kind, noted_on, text, follow_up_on


@transaction.atomic
def case_note_write(*, actor: Actor, household: Household, kind: str, noted_on: datetime.date, text: str,
                    follow_up_on: datetime.date | None = None, corrects: CaseNote | None = None) -> CaseNote:
    """Writes a confidential case note on a household (a home visit, a call, a meeting, a follow-up), with an
    optional date by which to follow up. ``corrects``: the earlier note of the same household this one
    corrects (notes are never changed after their day, so a correction is a new note)."""
    _start(actor, household)
    _active(household)
    kind, noted_on, text, follow_up_on = _checked_note(kind=kind, noted_on=noted_on, text=text,
                                                       follow_up_on=follow_up_on)
    if corrects is not None and (corrects.household_id != household.pk or corrects.center_id != household.center_id):
        raise ValidationError(_("A correction refers to a note of the same household."), code="bad_corrects")
    return CaseNote.objects.create(center_id=household.center_id, household=household, kind=kind,
                                   noted_on=noted_on, text=text, follow_up_on=follow_up_on, corrects=corrects,
                                   author=actor.user)


def case_note_editable(note: CaseNote, actor: Actor, *, today: datetime.date | None = None) -> bool:
    """Its author may change a note on the day it was written (in the project's time zone), never after."""
    today = today or timezone.localdate()
    return note.author_id == getattr(actor.user, "pk", None) and timezone.localtime(note.created_at).date() == today


@transaction.atomic
def case_note_edit(*, actor: Actor, note: CaseNote, kind: str, noted_on: datetime.date, text: str,
                   follow_up_on: datetime.date | None = None) -> CaseNote:
    """Corrects a note in place: only its author, only on the day it was written. Later, write a new note
    that corrects it (``case_note_write(corrects=note)``); the database refuses the change too."""
    _start(actor, note.household)
    note = CaseNote.objects.select_for_update().get(center_id=note.center_id, pk=note.pk)
    if note.author_id != actor.user.pk:
        raise ValidationError(_("Only the note's author may correct it; write a new note instead."),
                              code="not_author")
    if not case_note_editable(note, actor):
        raise ValidationError(_("A note is not changed after the day it was written; write a correction instead."),
                              code="note_locked")
    note.kind, note.noted_on, note.text, note.follow_up_on = _checked_note(
        kind=kind, noted_on=noted_on, text=text, follow_up_on=follow_up_on)
    note.save(update_fields=["kind", "noted_on", "text", "follow_up_on"])
    return note


@transaction.atomic
def referral_make(*, actor: Actor, household: Household, body: str, reason: str, referred_on: datetime.date,
                  body_name: str = "") -> Referral:
    """Refers a household to another body (seed 003: the relief committee, the welfare organisation, health
    services, insurance, employment and vocational training, the housing foundation, the municipality, or
    another body by name) with the reason and the date; its status starts as "sent"."""
    _start(actor, household)
    _active(household)
    if body not in Referral.Body.values:
        raise ValidationError(_("Unknown body to refer to."), code="bad_body")
    body_name = (body_name or "").strip() if isinstance(body_name, str) else ""
    if len(body_name) > 200:
        raise ValidationError(_("The body's name is too long."), code="too_long")
    if body == Referral.Body.OTHER and not body_name:
        raise ValidationError(_("Write the name of the body."), code="body_name_required")
    reason = _text(reason, message=_("Write the reason for the referral."), code="reason_required")
    referred_on = _past_date(referred_on, message=_("A referral cannot be dated in the future."),
                             code="bad_referred_on")
    referral = Referral.objects.create(center_id=household.center_id, household=household, body=body,
                                       body_name=body_name, reason=reason, referred_on=referred_on,
                                       status=Referral.Status.SENT, status_changed_on=referred_on,
                                       created_by=actor.user)
    ReferralStatusChange.objects.create(center_id=household.center_id, referral=referral, from_status="",
                                        to_status=Referral.Status.SENT, changed_on=referred_on,
                                        changed_by=actor.user)
    return referral


@transaction.atomic
def referral_status_change(*, actor: Actor, referral: Referral, to_status: str, changed_on: datetime.date,
                           note: str = "", outcome: str = "") -> Referral:
    """Records the body's answer: a dated change of status (``REFERRAL_TRANSITIONS``), with a note; "done" and
    "declined" need the outcome. Allowed on a closed household's referrals too (answers come late)."""
    _start(actor, referral.household)
    referral = Referral.objects.select_for_update().get(center_id=referral.center_id, pk=referral.pk)
    if to_status not in Referral.Status.values:
        raise ValidationError(_("Unknown status."), code="bad_status")
    if to_status not in REFERRAL_TRANSITIONS[referral.status]:
        raise ValidationError(_("A referral that is «%(from)s» cannot become «%(to)s».") % {
            "from": referral.get_status_display(), "to": Referral.Status(to_status).label}, code="bad_transition")
    changed_on = _past_date(changed_on, message=_("A status change cannot be dated in the future."),
                            code="bad_changed_on")
    if changed_on < referral.status_changed_on:
        raise ValidationError(_("The date cannot come before the referral's last change."), code="bad_changed_on")
    note = _text(note, message=_("Unreadable note."), code="bad_note", required=False)
    final = to_status in (Referral.Status.DONE, Referral.Status.DECLINED)
    outcome = _text(outcome, message=_("Write the outcome of the referral."), code="outcome_required",
                    required=final)
    ReferralStatusChange.objects.create(center_id=referral.center_id, referral=referral, from_status=referral.status,
                                        to_status=to_status, changed_on=changed_on, note=note, changed_by=actor.user)
    referral.status, referral.status_changed_on = to_status, changed_on
    fields = ["status", "status_changed_on"]
    if outcome:
        referral.outcome = outcome
        fields.append("outcome")
    referral.save(update_fields=fields)
    return referral
