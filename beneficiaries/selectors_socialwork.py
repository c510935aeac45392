"""Reads of the social-work area: a household's case notes and referrals, one referral's file, a center's
referrals, the overdue ones and the follow-ups due.

Each asks the access module for ``VIEW_CASE_NOTES`` (the chair, the vice-chair, the social-work officer, the
supervisors over the center; not the finance officer nor the aid officers), applies the row-level-security
setting, and keeps the explicit ``center`` filter. (A module of its own beside ``selectors.py``, which the
household list's performance work owns.)
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from beneficiaries import rls
from beneficiaries.models import CaseNote, Household, Referral, ReferralStatusChange
from centers.access import Action, Actor, require
from centers.models import Center

DEFAULT_ANSWER_DAYS = 30


def referral_answer_days() -> int:
    """Days a body has to answer a referral before it counts as overdue (setting
    ``BENEFICIARY_REFERRAL_ANSWER_DAYS``, default 30)."""
    return max(1, int(getattr(settings, "BENEFICIARY_REFERRAL_ANSWER_DAYS", DEFAULT_ANSWER_DAYS)))


def _open(actor: Actor, obj: Center | Household) -> int:
    require(actor, Action.VIEW_CASE_NOTES, obj)
    center_id = obj.pk if isinstance(obj, Center) else obj.center_id
    rls.apply_scope(fallback=[center_id])
    return center_id


def case_notes(*, actor: Actor, household: Household) -> QuerySet[CaseNote]:
    """The household's notes, latest first, with their authors and the notes they correct."""
    center_id = _open(actor, household)
    return (CaseNote.objects.filter(center_id=center_id, household=household)
            .select_related("author", "corrects").order_by("-noted_on", "-pk"))


def case_note(*, actor: Actor, household: Household, note_id: int) -> CaseNote:
    """One note of this household; 404 when it is not this household's."""
    notes = case_notes(actor=actor, household=household)
    note = notes.filter(pk=note_id).first()
    require(actor, Action.VIEW_CASE_NOTES, note)
    return note


def referrals(*, actor: Actor, household: Household) -> QuerySet[Referral]:
    center_id = _open(actor, household)
    return Referral.objects.filter(center_id=center_id, household=household).order_by("-referred_on", "-pk")


def referral_file(*, actor: Actor, household: Household, referral_id: int) -> Referral:
    """One referral of this household with its dated status changes; 404 when it is not this household's."""
    center_id = _open(actor, household)
    referral = (Referral.objects.filter(center_id=center_id, household=household, pk=referral_id)
                .select_related("created_by")
                .prefetch_related(Prefetch("changes", queryset=ReferralStatusChange.objects
                                           .filter(center_id=center_id).select_related("changed_by")
                                           .order_by("changed_on", "pk")))
                .first())
    require(actor, Action.VIEW_CASE_NOTES, referral)
    return referral


def center_referrals(*, actor: Actor, center: Center, status: str = "", body: str = "") -> QuerySet[Referral]:
    """The center's referrals, latest first, with each household's head (for the name and the link)."""
    center_id = _open(actor, center)
    queryset = Referral.objects.filter(center_id=center_id)
    if status:
        queryset = queryset.filter(status=status)
    if body:
        queryset = queryset.filter(body=body)
    return queryset.select_related("household__head").order_by("-referred_on", "-pk")


def overdue_referrals(*, actor: Actor, center: Center, today: datetime.date | None = None) -> QuerySet[Referral]:
    """Referrals still "sent" — no answer from the body — ``referral_answer_days()`` or more after they were
    sent, the oldest first."""
    center_id = _open(actor, center)
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=referral_answer_days())
    return (Referral.objects.filter(center_id=center_id, status=Referral.Status.SENT, referred_on__lte=limit)
            .select_related("household__head").order_by("referred_on", "pk"))


def follow_ups_due(*, actor: Actor, center: Center, today: datetime.date | None = None,
                   within_days: int = 7) -> QuerySet[CaseNote]:
    """Notes whose follow-up date falls within ``within_days`` from today (or has passed) and after which no
    later note was written on the household: the follow-ups still to do, the earliest first."""
    center_id = _open(actor, center)
    today = today or timezone.localdate()
    later = CaseNote.objects.filter(center_id=center_id, household=OuterRef("household"),
                                    noted_on__gt=OuterRef("noted_on"))
    return (CaseNote.objects.filter(center_id=center_id, follow_up_on__isnull=False,
                                    follow_up_on__lte=today + datetime.timedelta(days=within_days),
                                    household__status=Household.Status.ACTIVE)
            .exclude(Exists(later)).select_related("household__head").order_by("follow_up_on", "pk"))


def household_for_social_work(*, actor: Actor, center: Center, household_id: int) -> Household:
    """The household of ``center`` whose notes and referrals the page shows: 403 first for a role that may not
    see social work at all (the finance officer, the aid officers), then 404 when it is not this center's."""
    _open(actor, center)
    household = Household.objects.filter(center=center, pk=household_id).select_related("head").first()
    require(actor, Action.VIEW_CASE_NOTES, household)
    return household
