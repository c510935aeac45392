"""Who sees which memoranda, and the reads of the supervisors' overview.

Memoranda are not tenant-owned (they bind agencies, not a center), so the center scope does not narrow
them; this module does, from the actor's supervisor assignments (``centers.access.Actor.assignments``, empty
until the second factor is passed, so it fails closed like the scope):

- a memorandum of province P is seen by supervisors of P (provincial), of a county of P (county), and by
  national supervisors; a national memorandum (no province) by national supervisors only;
- when a party of the memorandum is one of the supervising organisations, only supervisors of those
  organisations see it (a welfare supervisor does not follow the relief committee's memoranda); a
  memorandum between bodies none of which is a supervising organisation is seen by every supervisor of
  its region;
- provincial and national supervisors record and edit them; county supervisors read;
- a national administrator (superuser with the second factor passed) sees and edits every one.

Anything else is a 404, the same as a memorandum that does not exist.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from centers.access import Actor
from centers.models import County, SupervisorAssignment
from memoranda.models import CalendarEvent, Commitment, Memorandum, Party

L = SupervisorAssignment.Level
DUE_SOON_DAYS = 30


def is_national_admin(actor: Actor) -> bool:
    user = actor.user
    return bool(user is not None and user.is_superuser and not actor.needs_second_factor)


def _region(assignment) -> Q:
    if assignment.level == L.NATIONAL:
        return Q()
    if assignment.level == L.PROVINCE:
        return Q(province_id=assignment.province_id)
    return Q(province_id__in=County.objects.filter(pk=assignment.county_id).values("province_id"))


def _organisation(assignment) -> Q:
    parties = Party.objects.filter(memorandum=OuterRef("pk"), organization__isnull=False)
    mine = parties.filter(organization_id=assignment.organization_id)
    return Q(~Exists(parties)) | Q(Exists(mine))


def _visible(actor: Actor, *, editing: bool) -> Q:
    if is_national_admin(actor):
        return Q()
    condition = Q(pk__in=[])
    for a in actor.assignments:
        if editing and a.level == L.COUNTY:
            continue
        region = _region(a)
        if a.level != L.NATIONAL:
            region &= Q(province__isnull=False)
        condition |= region & _organisation(a)
    return condition


def memoranda_for(actor: Actor) -> QuerySet[Memorandum]:
    """The memoranda this actor may see (none for a trustee, a donor or anyone without the second factor)."""
    return Memorandum.objects.filter(_visible(actor, editing=False)).select_related("province")


def editable_memoranda(actor: Actor) -> QuerySet[Memorandum]:
    return Memorandum.objects.filter(_visible(actor, editing=True))


def may_edit(actor: Actor, memorandum: Memorandum) -> bool:
    return editable_memoranda(actor).filter(pk=memorandum.pk).exists()


def may_record(actor: Actor) -> bool:
    """May the actor record memoranda at all (a provincial or national supervisor, or the administrator)?"""
    return is_national_admin(actor) or any(a.level != L.COUNTY for a in actor.assignments)


def recordable_province_ids(actor: Actor) -> set[int] | None:
    """Provinces the actor may record a memorandum for; None means every province and the nation."""
    if is_national_admin(actor) or any(a.level == L.NATIONAL for a in actor.assignments):
        return None
    return {a.province_id for a in actor.assignments if a.level == L.PROVINCE}


def memorandum_get(actor: Actor, pk) -> Memorandum:
    """The memorandum, or 404 when it does not exist or is not the actor's to see."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    memorandum = memoranda_for(actor).filter(pk=pk).first()
    if memorandum is None:
        raise Http404
    return memorandum


def overview(actor: Actor, *, today: datetime.date | None = None, days: int = DUE_SOON_DAYS) -> dict:
    """The supervisors' overview: commitments overdue (not done, due date passed; most overdue first) and
    due within ``days`` (soonest first) across the memoranda the actor sees, the joint calendar's next
    entries, and memoranda ending within ``days``. Four queries."""
    today = today or timezone.localdate()
    visible = memoranda_for(actor)
    open_ = (Commitment.objects.filter(memorandum__in=visible.values("pk"))
             .exclude(status=Commitment.Status.DONE)
             .select_related("memorandum__province", "owner__organization"))
    overdue = list(open_.filter(due_on__lt=today).order_by("due_on", "pk"))
    due = list(open_.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days))
               .order_by("due_on", "pk"))
    for c in overdue:
        c.days_overdue = (today - c.due_on).days
    for c in due:
        c.days_left = (c.due_on - today).days
    calendar = list(CalendarEvent.objects.filter(memorandum__in=visible.values("pk"), ends_on__gte=today,
                                                 starts_on__lte=today + datetime.timedelta(days=2 * days))
                    .select_related("memorandum", "lead__organization").order_by("starts_on", "pk"))
    ending = list(visible.filter(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=days))
                  .order_by("valid_until"))
    return {"today": today, "days": days, "overdue": overdue, "due": due, "calendar": calendar,
            "ending": ending, "memoranda": visible.count()}


def commitment_figures(*, memoranda: QuerySet[Memorandum], start: datetime.date, end: datetime.date) -> dict:
    """What the quarterly and annual reports show of the memoranda in ``memoranda`` (already narrowed to the
    reader's region): commitments falling due in [start, end], how many of them were done by their due
    date, done late, and still open now past their date; and the joint calendar's entries in the period.
    Commitments are few (tens per memorandum), so one query each for commitments and calendar."""
    due = list(Commitment.objects.filter(memorandum__in=memoranda.values("pk"), due_on__range=(start, end))
               .values("status", "due_on", "done_on"))
    done = [c for c in due if c["status"] == Commitment.Status.DONE]
    today = timezone.localdate()
    return {
        "due": len(due),
        "done_on_time": sum(1 for c in done if c["done_on"] <= c["due_on"]),
        "done_late": sum(1 for c in done if c["done_on"] > c["due_on"]),
        "overdue": sum(1 for c in due if c["status"] != Commitment.Status.DONE and c["due_on"] < today),
        "calendar_entries": CalendarEvent.objects.filter(memorandum__in=memoranda.values("pk"),
                                                         starts_on__lte=end, ends_on__gte=start).count(),
    }
