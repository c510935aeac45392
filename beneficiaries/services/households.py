"""The only writers of households, members, assessments and identifier reveals.

Every writer is keyword-only and atomic; it asks the access module first (404 for another center's
household, 403 for a role that may not), then ``require_center_can_operate`` (a center without a valid
license registers nobody), applies the row-level-security setting (``rls.apply_scope``), validates everything
before it writes anything, and refuses bad input with a translated ``ValidationError`` carrying a ``code``, so
nothing is stored on failure. National codes and mobiles are encrypted here (``beneficiaries.crypto``) and
never leave as plaintext except through ``reveal_identifier``, which logs who saw what and why.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import crypto, priority, rls
from beneficiaries.models import Assessment, Household, IdentifierReveal, Member
from centers.access import Action, Actor, require
from centers.models import Center, County
from centers.services.lifecycle import require_center_can_operate
from core.validators import normalize_mobile, normalize_national_code
from reporting.rollups import mark_stale

MAX_INCOME = 10**13  # rials a month; anything above is a typing mistake


@dataclass(frozen=True)
class MemberInput:
    """A person to register; ``national_code`` in any digits (normalised and checked here)."""

    first_name: str
    last_name: str
    gender: str
    birth_date: datetime.date
    relation: str = Member.Relation.CHILD
    national_code: str = ""
    education: str = Member.Education.NONE
    work_status: str = Member.Work.UNEMPLOYED
    has_disability: bool = False
    has_chronic_illness: bool = False
    health_notes: str = ""
    is_orphan: bool = False


def _choice(value, choices, message: str, code: str) -> str:
    if value not in choices.values:
        raise ValidationError(message, code=code)
    return value


def _checked_member(person: MemberInput, *, today: datetime.date) -> tuple[MemberInput, str]:
    """Validates one person; returns it and the normalised national code ('' when none was given)."""
    if not (person.first_name or "").strip() or not (person.last_name or "").strip():
        raise ValidationError(_("Every member needs a first and a last name."), code="name_required")
    _choice(person.relation, Member.Relation, _("Unknown relation to the head."), "bad_relation")
    _choice(person.gender, Member.Gender, _("Unknown gender."), "bad_gender")
    _choice(person.education, Member.Education, _("Unknown level of education."), "bad_education")
    _choice(person.work_status, Member.Work, _("Unknown work status."), "bad_work_status")
    if not isinstance(person.birth_date, datetime.date) or person.birth_date > today \
            or person.birth_date.year < today.year - 120:
        raise ValidationError(_("The birth date is not possible."), code="bad_birth_date")
    code = normalize_national_code(person.national_code) if (person.national_code or "").strip() else ""
    return person, code


def _new_member(*, household: Household, person: MemberInput, national_code: str) -> Member:
    return Member.objects.create(
        center=household.center, household=household, relation=person.relation,
        first_name=person.first_name.strip(), last_name=person.last_name.strip(),
        national_code_ciphertext=crypto.encrypt(national_code, purpose=crypto.NATIONAL_CODE),
        national_code_index=crypto.blind_index(national_code) if national_code else "",
        gender=person.gender, birth_date=person.birth_date, education=person.education,
        work_status=person.work_status, has_disability=bool(person.has_disability),
        has_chronic_illness=bool(person.has_chronic_illness), health_notes=(person.health_notes or "").strip(),
        is_orphan=bool(person.is_orphan))


def _refuse_registered(center: Center, codes: list[str]) -> None:
    """A person is registered once per center (duplicates within the input, or already on file here)."""
    if len(codes) != len(set(codes)):
        raise ValidationError(_("The same national code is given twice."), code="duplicate_national_code")
    indexes = [crypto.blind_index(c) for c in codes]
    if indexes and Member.objects.filter(center=center, national_code_index__in=indexes).exists():
        raise ValidationError(_("A person with this national code is already registered at this center."),
                              code="already_registered")


def _start(actor: Actor, action: Action, obj: Center | Household) -> None:
    """Access first (so an outsider learns nothing, not even that the center cannot operate), then the
    center's license, then the row-level-security setting."""
    require(actor, action, obj)
    center = obj if isinstance(obj, Center) else obj.center
    require_center_can_operate(center)
    rls.apply_scope(fallback=[center.pk])


@transaction.atomic
def household_register(*, actor: Actor, center: Center, head: MemberInput, members: list[MemberInput] = (),
                       address: str, county: County, housing: str, consent_on: datetime.date,
                       area: str = Household.Area.URBAN, village: str = "", monthly_income: int = 0,
                       insurance: str = Household.Insurance.NONE, supporting_organizations: list[str] = (),
                       mobile: str = "") -> Household:
    """Registers a household with its head and members (seed 002: the vice-chair identifies the needy and
    records them). The household's consent to be registered is required, with its date. The head's national
    code is required; members' are optional (not every child's card is at hand) but checked when given."""
    _start(actor, Action.MANAGE_BENEFICIARIES, center)
    today = timezone.localdate()
    if not isinstance(consent_on, datetime.date) or consent_on > today:
        raise ValidationError(_("The household's consent to be registered, with its date, is required."),
                              code="consent_required")
    if not (address or "").strip():
        raise ValidationError(_("The address is required."), code="address_required")
    if not isinstance(county, County):
        raise ValidationError(_("Choose the county."), code="county_required")
    _choice(area, Household.Area, _("Unknown area."), "bad_area")
    _choice(housing, Household.Housing, _("Unknown housing situation."), "bad_housing")
    _choice(insurance, Household.Insurance, _("Unknown insurance."), "bad_insurance")
    supporters = list(dict.fromkeys(supporting_organizations or ()))
    for code in supporters:
        _choice(code, Household.Supporter, _("Unknown supporting organisation."), "bad_supporter")
    if isinstance(monthly_income, bool) or not isinstance(monthly_income, int) or not 0 <= monthly_income <= MAX_INCOME:
        raise ValidationError(_("The monthly income must be a whole number of rials, zero or more."),
                              code="bad_income")
    mobile = normalize_mobile(mobile) if (mobile or "").strip() else ""
    if head.relation != Member.Relation.HEAD:
        head = MemberInput(**{**head.__dict__, "relation": Member.Relation.HEAD})
    head, head_code = _checked_member(head, today=today)
    if not head_code:
        raise ValidationError(_("The head of household's national code is required."),
                              code="head_national_code_required")
    checked = [_checked_member(m, today=today) for m in members]
    if any(m.relation == Member.Relation.HEAD for m, _code in checked):
        raise ValidationError(_("A household has one head."), code="two_heads")
    _refuse_registered(center, [head_code] + [c for _m, c in checked if c])

    household = Household.objects.create(
        center=center, address=address.strip(), county=county, village=(village or "").strip(), area=area,
        housing=housing, monthly_income=monthly_income, insurance=insurance, supporting_organizations=supporters,
        mobile_ciphertext=crypto.encrypt(mobile, purpose=crypto.MOBILE), consent_on=consent_on,
        created_by=actor.user)
    household.head = _new_member(household=household, person=head, national_code=head_code)
    for person, code in checked:
        _new_member(household=household, person=person, national_code=code)
    household.save(update_fields=["head"])
    return household_priority_refresh(household=household)


@transaction.atomic
def member_add(*, actor: Actor, household: Household, person: MemberInput) -> Member:
    """Adds a person to a household (a birth, a parent moving in) and recomputes its priority."""
    _start(actor, Action.MANAGE_BENEFICIARIES, household)
    if household.status != Household.Status.ACTIVE:
        raise ValidationError(_("The household's file is closed."), code="household_closed")
    person, code = _checked_member(person, today=timezone.localdate())
    if person.relation == Member.Relation.HEAD:
        raise ValidationError(_("A household has one head."), code="two_heads")
    if code:
        _refuse_registered(household.center, [code])
    member = _new_member(household=household, person=person, national_code=code)
    household_priority_refresh(household=household)
    return member


@transaction.atomic
def assessment_record(*, actor: Actor, household: Household, category: str, severity: int, evidence: str,
                      assessed_on: datetime.date, next_due_on: datetime.date | None = None) -> Assessment:
    """Records a needs assessment (نیازسنجی) of one category; it becomes the household's current need in that
    category, the previous one stays on record. The reassessment date defaults to
    ``reassess_after_days`` (priority weights) after the assessment. Recomputes the priority score."""
    _start(actor, Action.MANAGE_BENEFICIARIES, household)
    if household.status != Household.Status.ACTIVE:
        raise ValidationError(_("The household's file is closed."), code="household_closed")
    _choice(category, Assessment.Category, _("Unknown category of need."), "bad_category")
    if isinstance(severity, bool) or not isinstance(severity, int) or not 1 <= severity <= 5:
        raise ValidationError(_("The severity is a whole number from 1 to 5."), code="bad_severity")
    if not (evidence or "").strip():
        raise ValidationError(_("Write the evidence for this assessment."), code="evidence_required")
    today = timezone.localdate()
    if not isinstance(assessed_on, datetime.date) or assessed_on > today:
        raise ValidationError(_("An assessment cannot be dated in the future."), code="bad_assessed_on")
    if next_due_on is None:
        next_due_on = assessed_on + datetime.timedelta(days=int(priority.weights()["reassess_after_days"]))
    if not isinstance(next_due_on, datetime.date) or next_due_on <= assessed_on:
        raise ValidationError(_("The reassessment date must come after the assessment."), code="bad_next_due_on")
    Household.objects.select_for_update().filter(pk=household.pk).first()  # one current per category
    Assessment.objects.filter(household=household, category=category, is_current=True).update(is_current=False)
    assessment = Assessment.objects.create(
        center=household.center, household=household, category=category, severity=severity,
        evidence=evidence.strip(), assessed_on=assessed_on, next_due_on=next_due_on, assessed_by=actor.user)
    household_priority_refresh(household=household)
    return assessment


@transaction.atomic
def household_close(*, actor: Actor, household: Household, reason: str) -> Household:
    """Closes a household's file (moved away, self-sufficient, ...): kept on record, out of the list."""
    _start(actor, Action.MANAGE_BENEFICIARIES, household)
    if household.status == Household.Status.CLOSED:
        raise ValidationError(_("The household's file is already closed."), code="household_closed")
    if not (reason or "").strip():
        raise ValidationError(_("Write why the file is closed."), code="reason_required")
    household.status = Household.Status.CLOSED
    household.closed_on = timezone.localdate()
    household.closed_reason = reason.strip()
    with pghistory.context(status_change=Household.Status.CLOSED, reason=household.closed_reason,
                           by=actor.user.pk):
        household.save(update_fields=["status", "closed_on", "closed_reason"])
    mark_stale(household.center_id, household.closed_on)
    return household


@transaction.atomic
def household_reopen(*, actor: Actor, household: Household, reason: str) -> Household:
    """Reopens a closed file (the family came back, the need returned), by a role that manages households, with
    the reason. The closing date and reason are cleared from the file; both, and the reopening with its reason
    and who did it, stay in the household's history (pghistory event and its context), which the file shows.
    The priority is recomputed, since time has passed."""
    _start(actor, Action.MANAGE_BENEFICIARIES, household)
    household = Household.objects.select_for_update().get(center_id=household.center_id, pk=household.pk)
    if household.status != Household.Status.CLOSED:
        raise ValidationError(_("The household's file is not closed."), code="household_not_closed")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError(_("Write why the file is reopened."), code="reason_required")
    mark_stale(household.center_id, household.closed_on)  # the month it was closed in counts one closing less
    household.status = Household.Status.ACTIVE
    household.closed_on = None
    household.closed_reason = ""
    with pghistory.context(status_change=Household.Status.ACTIVE, reason=reason, by=actor.user.pk):
        household.save(update_fields=["status", "closed_on", "closed_reason"])
    return household_priority_refresh(household=household)


@transaction.atomic
def reveal_identifier(*, actor: Actor, household: Household, field: str, reason: str,
                      member: Member | None = None) -> str:
    """Shows one identifier in full, and logs it (who, when, whose, which, why) in ``IdentifierReveal``.

    A national code belongs to a member; the mobile to the household. Only roles that manage beneficiaries
    (and the supervisors over the center, seed 002: the committee has access to all the center's
    information) may; everyone else sees masked codes only."""
    require(actor, Action.MANAGE_BENEFICIARIES, household)
    rls.apply_scope(fallback=[household.center_id])
    _choice(field, IdentifierReveal.Field, _("Unknown identifier."), "bad_field")
    if len((reason or "").strip()) < 5:
        raise ValidationError(_("Write why you need to see the identifier in full."), code="reason_required")
    if field == IdentifierReveal.Field.NATIONAL_CODE:
        if member is None or member.household_id != household.pk:
            raise ValidationError(_("Choose a member of this household."), code="bad_member")
        stored, purpose = member.national_code_ciphertext, crypto.NATIONAL_CODE
    else:
        member = None
        stored, purpose = household.mobile_ciphertext, crypto.MOBILE
    if not stored:
        raise ValidationError(_("Nothing is recorded to show."), code="nothing_recorded")
    value = crypto.decrypt(stored, purpose=purpose)
    IdentifierReveal.objects.create(center_id=household.center_id, household=household, member=member,
                                    field=field, reason=reason.strip(), revealed_by=actor.user)
    return value


def find_by_national_code(*, actor: Actor, center: Center, national_code: str) -> list[Member]:
    """Members of ``center`` with this national code, found through the blind index (nothing is decrypted).
    An invalid code raises ``ValidationError``."""
    require(actor, Action.VIEW_BENEFICIARIES, center)
    with transaction.atomic():
        rls.apply_scope(fallback=[center.pk])
        return list(Member.objects.filter(center=center, national_code_index=crypto.blind_index(national_code))
                    .select_related("household"))


def household_priority_refresh(*, household: Household) -> Household:
    """Recomputes and stores the household's priority score, its next reassessment date (the earliest due
    date of its current assessments) and its number of members. Called by every writer above, inside its
    transaction; stored so the prioritised list is one indexed query without joins or grouping."""
    members = list(Member.objects.filter(center_id=household.center_id, household=household))
    current = list(Assessment.objects.filter(center_id=household.center_id, household=household, is_current=True))
    result = priority.compute(priority.facts_for(household, members, current, on=timezone.localdate()))
    household.priority_score = result.score
    household.priority_parts = result.parts
    household.next_reassessment_on = min((a.next_due_on for a in current), default=None)
    household.member_count = len(members)
    household.save(update_fields=["priority_score", "priority_parts", "next_reassessment_on", "member_count"])
    mark_stale(household.center_id, timezone.localdate())  # registered, assessed or reopened: snapshots change
    return household

