"""The only writers of memoranda and their parts outside the admin's forms (which run the same model checks).

Every service is keyword-only and atomic, asks ``memoranda.selectors`` whether the actor may (404 when the
memorandum is not theirs to see, 403 when they may see but not edit it), validates everything first and
refuses with a translated ``ValidationError`` carrying a ``code``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.access import Actor
from centers.models import Organization, Province
from memoranda import selectors
from memoranda.models import CalendarEvent, Commitment, Memorandum, MonitoringRecord, Party

__all__ = ["PartyInput", "calendar_event_add", "commitment_add", "commitment_set_status", "memorandum_record",
           "monitoring_record"]


@dataclass(frozen=True)
class PartyInput:
    organization: Organization | None = None
    name: str = ""
    signatory: str = ""
    monitors: bool = False


def _editable(actor: Actor, memorandum: Memorandum) -> Memorandum:
    memorandum = selectors.memorandum_get(actor, memorandum.pk)
    if not selectors.may_edit(actor, memorandum):
        raise PermissionDenied
    return memorandum


def _date(value, message: str, code: str) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationError(message, code=code)
    return value


@transaction.atomic
def memorandum_record(*, actor: Actor, province: Province | None, subject: str, signed_on: datetime.date,
                      valid_from: datetime.date, valid_until: datetime.date, parties: list[PartyInput],
                      number: str = "", summary: str = "", coordination: str = "") -> Memorandum:
    """Records a memorandum with its parties (at least two; at most one responsible for monitoring)."""
    allowed = selectors.recordable_province_ids(actor)
    if not selectors.may_record(actor) or (allowed is not None and (province is None or province.pk not in allowed)):
        raise PermissionDenied
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError(_("Write the memorandum's subject."), code="subject_required")
    _date(signed_on, _("Give the signing date."), "bad_signed_on")
    _date(valid_from, _("Give the date the memorandum takes effect."), "bad_valid_from")
    _date(valid_until, _("Give the date the memorandum ends."), "bad_valid_until")
    if valid_until < valid_from:
        raise ValidationError(_("A memorandum cannot end before it starts."), code="bad_validity")
    if signed_on > valid_until:
        raise ValidationError(_("A memorandum cannot be signed after it ends."), code="bad_signed_on")
    if len(parties) < 2:
        raise ValidationError(_("A memorandum has at least two parties."), code="parties_required")
    if sum(1 for p in parties if p.monitors) > 1:
        raise ValidationError(_("Only one party is responsible for monitoring."), code="two_monitors")
    for p in parties:
        if p.organization is None and not (p.name or "").strip():
            raise ValidationError(_("Choose the organisation or write the body's name."), code="party_name_required")
    memorandum = Memorandum.objects.create(
        province=province, subject=subject, number=(number or "").strip(), signed_on=signed_on,
        valid_from=valid_from, valid_until=valid_until, summary=(summary or "").strip(),
        coordination=(coordination or "").strip(), created_by=actor.user)
    Party.objects.bulk_create([Party(memorandum=memorandum, organization=p.organization, name=(p.name or "").strip(),
                                     signatory=(p.signatory or "").strip(), monitors=p.monitors) for p in parties])
    return memorandum


@transaction.atomic
def commitment_add(*, actor: Actor, memorandum: Memorandum, owner: Party, description: str,
                   due_on: datetime.date) -> Commitment:
    """A commitment of one party of the memorandum, due by a date."""
    memorandum = _editable(actor, memorandum)
    if owner is None or owner.memorandum_id != memorandum.pk:
        raise ValidationError(_("The owner must be a party of this memorandum."), code="bad_owner")
    if not (description or "").strip():
        raise ValidationError(_("Describe the commitment."), code="description_required")
    _date(due_on, _("Give the due date."), "bad_due_on")
    return Commitment.objects.create(memorandum=memorandum, owner=owner, description=description.strip(),
                                     due_on=due_on)


@transaction.atomic
def commitment_set_status(*, actor: Actor, commitment: Commitment, status: str,
                          done_on: datetime.date | None = None, note: str = "") -> Commitment:
    """Pending, in progress or done (with the date it was done, not in the future). "Overdue" is not set:
    it follows from the due date (``Commitment.current_status``)."""
    _editable(actor, commitment.memorandum)
    if status not in Commitment.Status.values:
        raise ValidationError(_("Unknown status."), code="bad_status")
    if status == Commitment.Status.DONE:
        done_on = done_on or timezone.localdate()
        if not isinstance(done_on, datetime.date) or done_on > timezone.localdate():
            raise ValidationError(_("The date it was done cannot be in the future."), code="bad_done_on")
    else:
        done_on = None
    commitment.status, commitment.done_on = status, done_on
    if note:
        commitment.note = note.strip()
    commitment.save(update_fields=["status", "done_on", "note"])
    return commitment


@transaction.atomic
def calendar_event_add(*, actor: Actor, memorandum: Memorandum, kind: str, title: str, starts_on: datetime.date,
                       ends_on: datetime.date, lead: Party | None = None, description: str = "") -> CalendarEvent:
    """An entry of the joint executive calendar (a campaign such as the charity celebration, an occasion,
    a meeting of the joint committee)."""
    memorandum = _editable(actor, memorandum)
    if kind not in CalendarEvent.Kind.values:
        raise ValidationError(_("Unknown kind of entry."), code="bad_kind")
    if not (title or "").strip():
        raise ValidationError(_("Give the entry a title."), code="title_required")
    _date(starts_on, _("Give the start date."), "bad_starts_on")
    _date(ends_on, _("Give the end date."), "bad_ends_on")
    if ends_on < starts_on:
        raise ValidationError(_("An entry cannot end before it starts."), code="bad_period")
    if lead is not None and lead.memorandum_id != memorandum.pk:
        raise ValidationError(_("The lead must be a party of this memorandum."), code="bad_lead")
    return CalendarEvent.objects.create(memorandum=memorandum, kind=kind, title=title.strip(), starts_on=starts_on,
                                        ends_on=ends_on, lead=lead, description=(description or "").strip())


@transaction.atomic
def monitoring_record(*, actor: Actor, memorandum: Memorandum, kind: str, recorded_on: datetime.date,
                      findings: str, commitment: Commitment | None = None) -> MonitoringRecord:
    """A visit or report by the party responsible for monitoring (seed 003: «پایش، نظارت و ارزیابی … با
    مسئولیت کمیته امداد»). Refused when the memorandum names no such party."""
    memorandum = _editable(actor, memorandum)
    party = memorandum.parties.filter(monitors=True).first()
    if party is None:
        raise ValidationError(_("The memorandum names no party responsible for monitoring."), code="no_monitor")
    if kind not in MonitoringRecord.Kind.values:
        raise ValidationError(_("Unknown kind of record."), code="bad_kind")
    if not isinstance(recorded_on, datetime.date) or recorded_on > timezone.localdate():
        raise ValidationError(_("A visit or report cannot be dated in the future."), code="bad_recorded_on")
    if not (findings or "").strip():
        raise ValidationError(_("Write the findings."), code="findings_required")
    if commitment is not None and commitment.memorandum_id != memorandum.pk:
        raise ValidationError(_("Choose a commitment of this memorandum."), code="bad_commitment")
    return MonitoringRecord.objects.create(memorandum=memorandum, party=party, kind=kind, recorded_on=recorded_on,
                                           commitment=commitment, findings=findings.strip(), recorded_by=actor.user)
