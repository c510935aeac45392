"""Reads of the sponsorships area (issue 5.5): the center's sponsorships for trustees, and the anonymised
profiles a donor may see of the orphans and families their pledges sponsor.

``donor_sponsorships(donor)`` is what the donors' own pages call (also as ``beneficiaries.selectors.
donor_sponsorships``); ``templates/beneficiaries/sponsorships/_donor_profiles.html`` renders its result. It
returns ``SponsoredProfile`` values, never model objects, so a template cannot reach a name, a code, an
address or a photo through them: age band, gender, province, the categories of current needs, the household's
size for a family, and the *published* progress notes (checked at writing to carry no identifier).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from beneficiaries import rls
from beneficiaries.models import Assessment, Household, Member, ProgressNote, Sponsorship
from centers.access import Action, Actor, require
from centers.models import Center

__all__ = ["DonorNote", "SponsoredProfile", "age_band", "donor_sponsorships", "pledge_sponsored_summary",
           "sponsorship_file",
           "sponsorship_profiles", "sponsorships_of_center"]

# (upper age inclusive, label); the last band has no upper bound.
AGE_BANDS = (
    (6, _("under 7 years")),
    (12, _("7 to 12 years")),
    (18, _("13 to 18 years")),
    (30, _("19 to 30 years")),
    (45, _("31 to 45 years")),
    (60, _("46 to 60 years")),
    (None, _("over 60 years")),
)


def age_band(birth_date: datetime.date, on: datetime.date) -> str:
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for upper, label in AGE_BANDS:
        if upper is None or age <= upper:
            return str(label)
    return ""  # pragma: no cover - the last band takes everything


@dataclass(frozen=True)
class DonorNote:
    written_on: datetime.date
    text: str


@dataclass(frozen=True)
class SponsoredProfile:
    """What a donor may know of a sponsored orphan or family. No field can name or locate them."""

    pledge_id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    age_band: str
    gender: str
    province: str
    needs: tuple[str, ...]
    household_size: int | None
    notes: tuple[DonorNote, ...]


def sponsorship_profiles(sponsorships: Iterable[Sponsorship], *, today: datetime.date | None = None
                         ) -> list[SponsoredProfile]:
    """The anonymised profiles of ``sponsorships``: four queries whatever their number (households with
    county and province, the sponsored members and heads, current needs, published notes). Call with the
    row-level-security setting covering their centers."""
    sponsorships = list(sponsorships)
    if not sponsorships:
        return []
    today = today or timezone.localdate()
    center_ids = sorted({s.center_id for s in sponsorships})
    households = {h.pk: h for h in Household.objects.filter(
        center_id__in=center_ids, pk__in={s.household_id for s in sponsorships})
        .select_related("county__province")
        .only("pk", "center_id", "head_id", "member_count", "county__province__name")}
    people = {m.pk: m for m in Member.objects.filter(
        center_id__in=center_ids,
        pk__in={s.member_id for s in sponsorships if s.member_id} | {h.head_id for h in households.values()})
        .only("pk", "gender", "birth_date")}
    needs: dict[int, list[str]] = {}
    for assessment in (Assessment.objects.filter(center_id__in=center_ids, household_id__in=list(households),
                                                 is_current=True)
                       .only("household_id", "category", "severity").order_by("-severity", "category")):
        needs.setdefault(assessment.household_id, []).append(str(assessment.get_category_display()))
    notes: dict[int, list[DonorNote]] = {}
    for note in (ProgressNote.objects.filter(center_id__in=center_ids, sponsorship__in=[s.pk for s in sponsorships],
                                             is_published=True)
                 .only("sponsorship_id", "written_on", "text").order_by("-written_on", "-pk")):
        notes.setdefault(note.sponsorship_id, []).append(DonorNote(written_on=note.written_on, text=note.text))
    profiles = []
    for s in sponsorships:
        household = households[s.household_id]
        person = people.get(s.member_id if s.member_id else household.head_id)
        profiles.append(SponsoredProfile(
            pledge_id=s.pledge_id, kind=s.kind, kind_label=str(s.get_kind_display()), status=s.status,
            status_label=str(s.get_status_display()), starts_on=s.starts_on, ends_on=s.ends_on,
            age_band=age_band(person.birth_date, today) if person else "",
            gender=str(Member.Gender(person.gender).label) if person else "",
            province=household.county.province.name,
            needs=tuple(needs.get(household.pk, ())),
            household_size=household.member_count if s.kind == Sponsorship.Kind.FAMILY else None,
            notes=tuple(notes.get(s.pk, ()))))
    return profiles


def donor_sponsorships(donor, *, today: datetime.date | None = None) -> list[SponsoredProfile]:
    """The anonymised profiles of the orphans and families sponsored by ``donor``'s pledges, at every center,
    active ones first. For the donors' own pages, which have no trustee scope.

    reviewed: ``scopes_disabled`` reads only the sponsorships of this donor's own pledges and, under a
    row-level-security setting of exactly their centers, the few household columns a profile needs; what leaves
    is ``SponsoredProfile`` values only. The caller's RLS setting is restored afterwards."""
    with transaction.atomic(), scopes_disabled():
        sponsorships = list(Sponsorship.objects.filter(pledge__donor_id=donor.pk)
                            .order_by("status", "-starts_on", "-pk"))
        if not sponsorships:
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [rls.SETTING])
            previous = cursor.fetchone()[0] or ""
        rls.apply(connection, {s.center_id for s in sponsorships})
        try:
            return sponsorship_profiles(sponsorships, today=today)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [rls.SETTING, previous])


def pledge_sponsored_summary(pledge) -> str:
    """One line about the orphan or family ``pledge`` sponsors now, for ``Pledge.donor_view``: kind, age band,
    gender and province; "" when the pledge sponsors nobody yet. Same reading rules as ``donor_sponsorships``."""
    for profile in donor_sponsorships(pledge.donor):
        if profile.pledge_id == pledge.pk and profile.status == Sponsorship.Status.ACTIVE:
            return "، ".join(part for part in (profile.kind_label, profile.age_band, profile.gender,
                                               profile.province) if part)
    return ""


def sponsorships_of_center(*, actor: Actor, center: Center, status: str = "") -> QuerySet[Sponsorship]:
    """The center's sponsorships for its trustees, with pledge, donor, household head and orphan (one query)."""
    require(actor, Action.MANAGE_SPONSORSHIPS, center)
    rls.apply_scope(fallback=[center.pk])
    queryset = Sponsorship.objects.filter(center=center)
    if status:
        queryset = queryset.filter(status=status)
    return (queryset.select_related("pledge__donor", "household__head", "member")
            .order_by("status", "-starts_on", "-pk"))


def sponsorship_file(*, actor: Actor, center: Center, sponsorship_id: int) -> Sponsorship:
    """One sponsorship of ``center`` with its notes; 404 when it is not this center's."""
    require(actor, Action.MANAGE_SPONSORSHIPS, center)
    rls.apply_scope(fallback=[center.pk])
    sponsorship = (Sponsorship.objects.filter(center=center, pk=sponsorship_id)
                   .select_related("pledge__donor", "pledge__purpose", "household__head", "household__county",
                                   "member", "created_by")
                   .prefetch_related(Prefetch("notes", queryset=ProgressNote.objects.filter(center=center)
                                              .select_related("author").order_by("-written_on", "-pk")))
                   .first())
    require(actor, Action.MANAGE_SPONSORSHIPS, sponsorship)
    return sponsorship
