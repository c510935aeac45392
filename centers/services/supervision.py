"""Services (writes) and selectors (reads) of the supervision area: meetings, the document archive,
inspections and complaints.

Every write takes the acting ``Actor`` and asks ``centers.access`` itself, so the pages, the API and the
admin share one rule; a refused business rule raises ``ValidationError`` with a translated message.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from centers.access import Action, Actor, require
from centers.models import (
    ArchivedDocument,
    Center,
    Complaint,
    ComplaintEvent,
    Decision,
    DocumentDestructionRequest,
    FollowUpAction,
    Inspection,
    Meeting,
    MeetingAttachment,
    SupervisorAssignment,
    TrusteeAppointment,
)
from centers.models.supervision import CHECKLIST_CODES, Answer, checklist_score
from core.jalali import to_jalali
from reporting.rollups import mark_stale

# Days a level has to answer a complaint before it moves up (seed 000 §7 names the levels, not the days;
# a deployment may set COMPLAINT_RESPONSE_DAYS to its own figures).
DEFAULT_RESPONSE_DAYS = {1: 10, 2: 10, 3: 15}
TRACKING_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud over the phone
TRACKING_CODE_LENGTH = 10


def response_days(level: int) -> int:
    return int(getattr(settings, "COMPLAINT_RESPONSE_DAYS", DEFAULT_RESPONSE_DAYS)[level])


# --- Meetings --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionInput:
    text: str
    amount: int | None = None


@transaction.atomic
def meeting_record(*, actor: Actor, center: Center, held_on: datetime.date, place: str, kind: str,
                   minutes: str, attendee_ids: list[int] = (), guests: str = "",
                   decisions: list[DecisionInput] = (), attachments: list[tuple[str, object]] = ()) -> Meeting:
    """Records a board meeting with its minutes and decisions (seed 002: the vice-chair keeps the minutes).

    The meeting is numbered within the center's Jalali year; its decisions are numbered from 1 in the order
    given. Attendees must be the center's own board members."""
    require(actor, Action.RECORD_MEETING, center)
    if held_on > timezone.localdate():
        raise ValidationError(_("A meeting cannot be recorded before it is held."))
    if any(d.amount is not None and d.amount < 0 for d in decisions):
        raise ValidationError(_("An amount cannot be negative."))
    board = TrusteeAppointment.objects.filter(center=center, pk__in=list(attendee_ids))
    if board.count() != len(set(attendee_ids)):
        raise ValidationError(_("Attendees must be members of this center's board."))
    year = to_jalali(held_on).year
    # Lock the center's row so two meetings recorded at once do not take the same number.
    Center.objects.select_for_update().filter(pk=center.pk).first()
    number = (Meeting.objects.filter(center=center, jalali_year=year).aggregate(n=Max("number"))["n"] or 0) + 1
    meeting = Meeting.objects.create(center=center, jalali_year=year, number=number, held_on=held_on,
                                     place=place, kind=kind, minutes=minutes, guests=guests.strip(),
                                     recorded_by=actor.user)
    meeting.attendees.set(board)
    for n, decision in enumerate(decisions, start=1):
        Decision.objects.create(center=center, meeting=meeting, number=n, text=decision.text,
                                amount=decision.amount)
    for title, file in attachments:
        attachment = MeetingAttachment(center=center, meeting=meeting, title=title, file=file)
        attachment.full_clean()
        attachment.save()
    return meeting


_REFERENCE = re.compile(r"^\s*(\d{4})/(\d{1,3})-(\d{1,3})\s*$")


def decision_for_reference(center: Center, ref: str) -> Decision | None:
    """The center's decision with a reference such as ``1405/03-2`` (Latin digits), or None."""
    match = _REFERENCE.match(ref or "")
    if not match:
        return None
    year, meeting_number, number = (int(g) for g in match.groups())
    return (Decision.objects.filter(center=center, meeting__jalali_year=year, meeting__number=meeting_number,
                                    number=number).select_related("meeting").first())


def meetings_for(center: Center) -> QuerySet[Meeting]:
    return Meeting.objects.filter(center=center).prefetch_related("decisions")


# --- Document archive ------------------------------------------------------------------------------------

@transaction.atomic
def document_archive(*, actor: Actor, center: Center, kind: str, title: str, document_date: datetime.date,
                     file, retention_note: str = "") -> ArchivedDocument:
    """Puts a financial or administrative document in the center's archive (seed 002, duty 7)."""
    require(actor, Action.MANAGE_DOCUMENTS, center)
    document = ArchivedDocument(center=center, kind=kind, title=title, document_date=document_date, file=file,
                                retention_note=retention_note, uploaded_by=actor.user)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_destruction_request(*, actor: Actor, document: ArchivedDocument,
                                 reason: str) -> DocumentDestructionRequest:
    """Asks the supervisor for permission to destroy an archived document: the archive may be destroyed
    only with the relief committee's permission (seed 002, "امحاء آن با مجوز کمیته امداد")."""
    require(actor, Action.MANAGE_DOCUMENTS, document)
    if not reason.strip():
        raise ValidationError(_("Say why the document should be destroyed."))
    if document.is_destroyed:
        raise ValidationError(_("This document has already been destroyed."))
    if document.destruction_requests.filter(status=DocumentDestructionRequest.Status.PENDING).exists():
        raise ValidationError(_("A request to destroy this document is already waiting for a decision."))
    return DocumentDestructionRequest.objects.create(center_id=document.center_id, document=document,
                                                     requested_by=actor.user, reason=reason.strip())


def _pending(request: DocumentDestructionRequest) -> DocumentDestructionRequest:
    locked = DocumentDestructionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != DocumentDestructionRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    return locked


@transaction.atomic
def destruction_request_approve(*, actor: Actor, request: DocumentDestructionRequest,
                                note: str = "") -> DocumentDestructionRequest:
    """The supervisor permits the destruction: the file's content is deleted, and the document row stays
    forever, flagged destroyed with who, when and why (the database refuses to delete or undo it)."""
    require(actor, Action.SUPERVISE, request)
    request = _pending(request)
    now = timezone.now()
    request.status, request.decided_by, request.decided_at, request.note = (
        DocumentDestructionRequest.Status.APPROVED, actor.user, now, note.strip())
    request.save(update_fields=["status", "decided_by", "decided_at", "note"])
    document = ArchivedDocument.objects.select_for_update().get(pk=request.document_id)
    stored = document.file.name
    document.file = ""
    document.destroyed_at, document.destroyed_by, document.destruction_reason = now, actor.user, request.reason
    document.save(update_fields=["file", "destroyed_at", "destroyed_by", "destruction_reason"])
    if stored:
        storage = ArchivedDocument._meta.get_field("file").storage
        # Delete the content only once the record of its destruction is committed.
        transaction.on_commit(lambda: storage.delete(stored))
    return request


@transaction.atomic
def destruction_request_reject(*, actor: Actor, request: DocumentDestructionRequest,
                               note: str) -> DocumentDestructionRequest:
    """The supervisor refuses the destruction; the document stays in the archive."""
    require(actor, Action.SUPERVISE, request)
    if not note.strip():
        raise ValidationError(_("Say why the destruction is refused."))
    request = _pending(request)
    request.status, request.decided_by, request.decided_at, request.note = (
        DocumentDestructionRequest.Status.REJECTED, actor.user, timezone.now(), note.strip())
    request.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return request


# --- Inspections -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FollowUpInput:
    text: str
    due_on: datetime.date


@transaction.atomic
def inspection_record(*, actor: Actor, center: Center, inspected_on: datetime.date, answers: dict[str, str],
                      findings: str = "", follow_ups: list[FollowUpInput] = ()) -> Inspection:
    """Records a field inspection (seed 002: "نظارت میدانی و پایش عملکرد") by a supervisor over the center,
    scoring its checklist answers (``checklist_score``) and setting the board's follow-up actions."""
    require(actor, Action.SUPERVISE, center)
    unknown = set(answers) - CHECKLIST_CODES
    if unknown or any(a not in Answer.values for a in answers.values()):
        raise ValidationError(_("The checklist answers are not valid."))
    if inspected_on > timezone.localdate():
        raise ValidationError(_("An inspection cannot be recorded before it takes place."))
    inspection = Inspection.objects.create(center=center, inspector=actor.user, inspected_on=inspected_on,
                                           answers=dict(answers), findings=findings,
                                           score=checklist_score(answers))
    for item in follow_ups:
        if item.due_on < inspected_on:
            raise ValidationError(_("A follow-up action cannot be due before the inspection."))
        FollowUpAction.objects.create(center=center, inspection=inspection, text=item.text, due_on=item.due_on)
    return inspection


@transaction.atomic
def follow_up_mark_done(*, actor: Actor, follow_up: FollowUpAction, note: str) -> FollowUpAction:
    """The board reports a follow-up action done, with a note on what was done. The board members who keep
    the center's records (those who record meetings) report for it, and supervisors may too."""
    require(actor, Action.RECORD_MEETING, follow_up)
    if not note.strip():
        raise ValidationError(_("Say what was done."))
    follow_up = FollowUpAction.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status == FollowUpAction.Status.DONE:
        raise ValidationError(_("This action is already marked done."))
    follow_up.status, follow_up.done_note, follow_up.done_by, follow_up.done_at = (
        FollowUpAction.Status.DONE, note.strip(), actor.user, timezone.now())
    follow_up.save(update_fields=["status", "done_note", "done_by", "done_at"])
    return follow_up


# --- Complaints ------------------------------------------------------------------------------------------

def licensed_centers_in_county(county_id: int) -> list[tuple[int, str]]:
    """(id, name) of the licensed centers of a county, for the public complaint form. Licensed centers and
    their names are public (they serve the neighbourhood openly); nothing else of them is read."""
    with scopes_disabled():  # reviewed: public list of licensed centers' names, for choosing whom to complain about
        return list(Center.objects.filter(county_id=county_id, status=Center.Status.LICENSED)
                    .order_by("name").values_list("pk", "name"))


def licensed_center_by_slug(slug: str) -> tuple[int, str, int] | None:
    """(id, name, county id) of the licensed center with this slug, for a complaint link; else None."""
    with scopes_disabled():  # reviewed: one licensed center's public name, for the public complaint form
        return (Center.objects.filter(slug=slug, status=Center.Status.LICENSED)
                .values_list("pk", "name", "county_id").first())


def _new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_CODE_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


@transaction.atomic
def complaint_file(*, center_id: int, complainant_kind: str, text: str, complainant_name: str = "",
                   complainant_mobile: str = "", now: datetime.datetime | None = None) -> Complaint:
    """Files a complaint from the public about a licensed center. It starts at the first level of seed 000
    §7 (county or provincial management) with that level's deadline, and gets an unguessable tracking code
    (10 characters from 32: about 10^15 codes) that is the complainant's only key to it."""
    now = now or timezone.now()
    if not text.strip():
        raise ValidationError(_("Write your complaint."))
    if complainant_kind not in Complaint.ComplainantKind.values:
        raise ValidationError(_("Choose who you are."))
    with scopes_disabled():  # reviewed: an anonymous visitor creates exactly this one complaint and its event
        if not Center.objects.filter(pk=center_id, status=Center.Status.LICENSED).exists():
            raise ValidationError(_("Choose a licensed center."))
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    complaint = Complaint.objects.create(
                        center_id=center_id, tracking_code=_new_tracking_code(), complainant_kind=complainant_kind,
                        complainant_name=complainant_name.strip(), complainant_mobile=complainant_mobile,
                        text=text.strip(), level=Complaint.Level.MANAGEMENT,
                        deadline=now + datetime.timedelta(days=response_days(Complaint.Level.MANAGEMENT)))
                break
            except IntegrityError:  # a code already taken: draw again
                continue
        else:  # pragma: no cover - five collisions in 10^15 codes
            raise ValidationError(_("Please try again."))
        ComplaintEvent.objects.create(center_id=center_id, complaint=complaint, kind=ComplaintEvent.Kind.FILED,
                                      level=complaint.level, at=now)
    mark_stale(center_id, now)
    return complaint


@dataclass(frozen=True)
class ComplaintStatus:
    """What the complainant may see of their complaint: no center data beyond its public name."""

    tracking_code: str
    center_name: str
    status: str
    status_label: str
    level: int
    level_label: str
    deadline: datetime.datetime | None
    filed_at: datetime.datetime
    events: list[dict]


def complaint_status_by_code(code: str) -> ComplaintStatus | None:
    """The public view of one complaint, found by its tracking code; None when no complaint has it."""
    code = (code or "").strip().upper()
    if len(code) != TRACKING_CODE_LENGTH:
        return None
    with scopes_disabled():  # reviewed: reads exactly the complaint whose unguessable code was given
        complaint = Complaint.objects.filter(tracking_code=code).select_related("center").first()
        if complaint is None:
            return None
        events = [{"kind": e.get_kind_display(), "level": e.get_level_display(), "at": e.at,
                   "text": e.text if e.kind in (ComplaintEvent.Kind.RESPONDED, ComplaintEvent.Kind.RESOLVED) else ""}
                  for e in complaint.timeline.filter(public=True)]
    open_ = complaint.status == Complaint.Status.OPEN and complaint.overdue_flagged_at is None
    return ComplaintStatus(
        tracking_code=complaint.tracking_code, center_name=complaint.center.name, status=complaint.status,
        status_label=complaint.get_status_display(), level=complaint.level, level_label=complaint.get_level_display(),
        deadline=complaint.deadline if open_ else None, filed_at=complaint.created_at, events=events)


def complaint_levels_for(actor: Actor, center: Center) -> set[int]:
    """The complaint levels (seed 000 §7) this actor answers for at this center: any supervisor over the
    center is its management (level 1); provincial and national supervisors also stand for the deputy for
    public participation (level 2); only national ones and the national admin for the inspection office."""
    if actor.user is not None and getattr(actor.user, "is_superuser", False) and \
            center.pk in actor.supervised_center_ids:
        return {1, 2, 3}
    levels: set[int] = set()
    if center.pk not in actor.supervised_center_ids:
        return levels
    for a in actor.assignments:
        if a.organization_id != center.organization_id:
            continue
        if a.level == SupervisorAssignment.Level.NATIONAL:
            levels |= {1, 2, 3}
        elif a.level == SupervisorAssignment.Level.PROVINCE and a.province_id == center.county.province_id:
            levels |= {1, 2}
        elif a.level == SupervisorAssignment.Level.COUNTY and a.county_id == center.county_id:
            levels |= {1}
    return levels


def _require_level(actor: Actor, complaint: Complaint) -> Complaint:
    require(actor, Action.SUPERVISE, complaint)
    locked = Complaint.objects.select_for_update().select_related("center__county").get(pk=complaint.pk)
    if locked.level not in complaint_levels_for(actor, locked.center):
        raise ValidationError(_("This complaint is at a level you do not handle."))
    if locked.status == Complaint.Status.RESOLVED:
        raise ValidationError(_("This complaint is already resolved."))
    return locked


@transaction.atomic
def complaint_respond(*, actor: Actor, complaint: Complaint, text: str, public: bool = True) -> Complaint:
    """A supervisor at the complaint's level answers it; an answer stops the clock at this level. An internal
    note (``public=False``) is kept but neither shown to the complainant nor stops the clock."""
    complaint = _require_level(actor, complaint)
    if not text.strip():
        raise ValidationError(_("Write the answer."))
    ComplaintEvent.objects.create(center_id=complaint.center_id, complaint=complaint,
                                  kind=ComplaintEvent.Kind.RESPONDED, level=complaint.level, actor=actor.user,
                                  text=text.strip(), public=public, at=timezone.now())
    if public and complaint.status == Complaint.Status.OPEN:
        complaint.status = Complaint.Status.ANSWERED
        complaint.save(update_fields=["status"])
    return complaint


@transaction.atomic
def complaint_resolve(*, actor: Actor, complaint: Complaint, text: str) -> Complaint:
    """A supervisor at the complaint's level closes it with a public statement of how it was settled."""
    complaint = _require_level(actor, complaint)
    if not text.strip():
        raise ValidationError(_("Say how the complaint was resolved."))
    ComplaintEvent.objects.create(center_id=complaint.center_id, complaint=complaint,
                                  kind=ComplaintEvent.Kind.RESOLVED, level=complaint.level, actor=actor.user,
                                  text=text.strip(), public=True, at=timezone.now())
    complaint.status = Complaint.Status.RESOLVED
    complaint.save(update_fields=["status"])
    mark_stale(complaint.center_id, timezone.now())
    return complaint


@transaction.atomic
def complaint_escalate_overdue(*, now: datetime.datetime | None = None) -> int:
    """Moves every complaint left unanswered past its deadline up one level (seed 000 §7), with the new
    level's deadline and an escalation event; at the last level it is flagged to the national admin once.
    Returns how many complaints moved or were flagged."""
    now = now or timezone.now()
    changed = 0
    with scopes_disabled():  # reviewed: the periodic scan over every center's overdue complaints
        overdue = (Complaint.objects.select_for_update(skip_locked=True)
                   .filter(status=Complaint.Status.OPEN, deadline__lt=now, overdue_flagged_at__isnull=True))
        for complaint in overdue:
            if complaint.is_last_level:
                complaint.overdue_flagged_at = now
                complaint.save(update_fields=["overdue_flagged_at"])
                kind = ComplaintEvent.Kind.FLAGGED
            else:
                complaint.level += 1
                complaint.deadline = now + datetime.timedelta(days=response_days(complaint.level))
                complaint.save(update_fields=["level", "deadline"])
                mark_stale(complaint.center_id, complaint.created_at)  # counted by the level reached
                kind = ComplaintEvent.Kind.ESCALATED
            ComplaintEvent.objects.create(center_id=complaint.center_id, complaint=complaint, kind=kind,
                                          level=complaint.level, at=now)
            changed += 1
    return changed


def complaints_for(actor: Actor, center: Center) -> QuerySet[Complaint]:
    return Complaint.objects.filter(center=center).order_by("-created_at")


def complaints_awaiting(actor: Actor) -> QuerySet[Complaint]:
    """Open complaints at the actor's centers, soonest deadline first (the caller keeps those at the
    actor's levels)."""
    return (Complaint.objects.filter(center_id__in=sorted(actor.supervised_center_ids))
            .filter(Q(status=Complaint.Status.OPEN)).select_related("center__county").order_by("deadline"))
