"""The one place that answers "who is this actor, which centers are theirs, may they do this?".

Every view, API endpoint and admin page asks this module; none of them works out roles for itself.
Roles come from data: active ``TrusteeAppointment`` rows make a trustee, active ``SupervisorAssignment``
rows make a supervisor. An object outside the actor's centers is answered with 404, the same answer as
for an object that does not exist, so nobody learns what other centers hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django_scopes import scopes_disabled

from .models import CORE_ROLES, BoardRole, Center, SupervisorAssignment, TrusteeAppointment


class Action(StrEnum):
    VIEW = "view"  # read the center's pages and records
    MANAGE_BOARD = "manage_board"  # propose board changes (the chair)
    SUPERVISE = "supervise"  # approve, license, inspect (a supervisor over the center)
    APPLY_LICENSE = "apply_license"  # submit or renew the center's license application
    EDIT_PROFILE = "edit_profile"  # host place, address, contacts, bank account, activity area
    MANAGE_VOLUNTEERS = "manage_volunteers"  # honorary volunteers and people's files
    RECORD_MEETING = "record_meeting"  # board meetings, minutes and decisions
    MANAGE_DOCUMENTS = "manage_documents"  # the center's document archive (destruction needs approval)
    RECORD_CONTRIBUTION = "record_contribution"  # record gifts and pledges, register and edit donors
    MANAGE_FINANCE = "manage_finance"  # confirm and reverse gifts, spend, transfer, issue receipts
    MANAGE_STOCK = "manage_stock"  # receive and distribute in-kind goods
    MANAGE_DONORS = "manage_donors"  # find and merge duplicate donors, import donor lists
    VIEW_BENEFICIARIES = "view_beneficiaries"  # see households, members and needs (identifiers masked)
    MANAGE_BENEFICIARIES = "manage_beneficiaries"  # register and assess households, reveal an identifier
    DISTRIBUTE_AID = "distribute_aid"  # hand out cash, goods and services to households; dowry cases
    RECORD_BASE_ACTIVITY = "record_base_activity"  # social-health bases: report work against the agreement
    # loans and plans (beneficiaries/services/loans.py, plans.py)
    VIEW_LOANS = "view_loans"  # see interest-free loans, their schedules, repayments and guarantors
    MANAGE_LOANS = "manage_loans"  # record a loan request, approve or decline it, write it off (board decision)
    HANDLE_LOAN_MONEY = "handle_loan_money"  # disburse a loan from the fund, record repayments
    VIEW_PLANS = "view_plans"  # see employment and empowerment plans
    MANAGE_PLANS = "manage_plans"  # create plans, milestones, funding lines, follow-ups and outcomes
    # Social work (issue 5): a household's confidential case notes and its referrals to other bodies.
    VIEW_CASE_NOTES = "view_case_notes"  # read case notes and referrals
    WRITE_CASE_NOTES = "write_case_notes"  # write case notes, make referrals and record their answers
    MANAGE_COMMUNITY = "manage_community"  # needs assessments, assets, harm map, plans, collective actions
    MANAGE_SPONSORSHIPS = "manage_sponsorships"  # link sponsorship pledges to households, write progress notes
    VIEW_REPORTS = "view_reports"  # the center's dashboard, its reports and their files
    REQUEST_REPORT = "request_report"  # ask for a report of the center to be produced
    SUBMIT_MONTHLY_REPORT = "submit_monthly_report"  # submit the month's participation report to the county


# What each board role may do at its own center, besides VIEW (seed 002: the chair leads the board, the
# vice-chair runs its executive affairs, the finance officer keeps its books and documents, the donor
# relations officers look after donors and volunteers; seed 001: whoever receives a gift records it, the
# finance officer confirms it and keeps the books). Supervisors over the center may do everything.
_GIFTS = frozenset({Action.RECORD_CONTRIBUTION})
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    BoardRole.CHAIR: frozenset({Action.MANAGE_BOARD, Action.APPLY_LICENSE, Action.EDIT_PROFILE,
                                Action.MANAGE_VOLUNTEERS, Action.RECORD_MEETING, Action.MANAGE_DOCUMENTS,
                                Action.RECORD_CONTRIBUTION, Action.MANAGE_FINANCE, Action.MANAGE_STOCK,
                                Action.MANAGE_DONORS}),
    BoardRole.VICE_CHAIR: frozenset({Action.EDIT_PROFILE, Action.MANAGE_VOLUNTEERS, Action.RECORD_MEETING,
                                     Action.MANAGE_DOCUMENTS, Action.RECORD_CONTRIBUTION, Action.MANAGE_STOCK}),
    BoardRole.FINANCE_OFFICER: frozenset({Action.MANAGE_DOCUMENTS, Action.RECORD_MEETING,
                                          Action.RECORD_CONTRIBUTION, Action.MANAGE_FINANCE,
                                          Action.MANAGE_STOCK}),
    BoardRole.DONOR_RELATIONS_MEN: frozenset({Action.MANAGE_VOLUNTEERS, Action.RECORD_CONTRIBUTION,
                                              Action.MANAGE_DONORS}),
    BoardRole.DONOR_RELATIONS_WOMEN: frozenset({Action.MANAGE_VOLUNTEERS, Action.RECORD_CONTRIBUTION,
                                                Action.MANAGE_DONORS}),
    BoardRole.PARTICIPATION_OFFICER: _GIFTS,
    BoardRole.ORPHAN_SPONSORSHIP_OFFICER: _GIFTS,
}
# Beneficiaries (issue 5). Seed 002: the vice-chair identifies the truly needy, categorises and prioritises
# their needs and records them, under the chair; the social-work officer serves them. The finance officer
# oversees spending and the officers of each kind of aid deliver it, so they see households (identifiers
# masked) but do not register or assess them. Donor-relations officers and the others never see them.
for _role in (BoardRole.CHAIR, BoardRole.VICE_CHAIR, BoardRole.SOCIAL_WORK_OFFICER):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS.get(_role, frozenset()) | {Action.VIEW_BENEFICIARIES,
                                                                  Action.MANAGE_BENEFICIARIES}
for _role in (BoardRole.FINANCE_OFFICER, BoardRole.ORPHAN_SPONSORSHIP_OFFICER, BoardRole.DOWRY_MARRIAGE_OFFICER,
              BoardRole.QARD_HASAN_OFFICER, BoardRole.EMPLOYMENT_OFFICER, BoardRole.HEALTH_OFFICER,
              BoardRole.HOUSING_OFFICER):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS.get(_role, frozenset()) | {Action.VIEW_BENEFICIARIES}
# Aid distribution (issue 5, point 4). Seed 002: the vice-chair distributes the aid collected and records it,
# under the chair; the finance officer oversees spending. The officers of one kind of aid distribute only aid
# of their own purpose (``AID_OFFICER_PURPOSES``, checked by ``may_distribute_purpose``).
AID_OFFICER_PURPOSES: dict[str, frozenset[str]] = {
    BoardRole.ORPHAN_SPONSORSHIP_OFFICER: frozenset({"orphan_sponsorship", "family_sponsorship"}),
    BoardRole.DOWRY_MARRIAGE_OFFICER: frozenset({"dowry"}),
    BoardRole.HEALTH_OFFICER: frozenset({"health"}),
    BoardRole.HOUSING_OFFICER: frozenset({"housing"}),
    BoardRole.EMPLOYMENT_OFFICER: frozenset({"employment"}),
}
for _role in (BoardRole.CHAIR, BoardRole.VICE_CHAIR, BoardRole.FINANCE_OFFICER, *AID_OFFICER_PURPOSES):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS.get(_role, frozenset()) | {Action.DISTRIBUTE_AID}
# Social-health bases (seed 004): the base's manager (chair), its executive (vice-chair) and its social worker
# report the work done against the year's agreement.
for _role in (BoardRole.CHAIR, BoardRole.VICE_CHAIR, BoardRole.SOCIAL_WORK_OFFICER):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS.get(_role, frozenset()) | {Action.RECORD_BASE_ACTIVITY}
# Loans and plans (issue 5, point 6). Seed 002: the qard al-hasan officer and the employment officer run their
# own areas under the chair and the vice-chair; the finance officer (and the vice-chair, who prepares the
# documents of payments and receipts) moves the money. The social-work officer follows the plans.
_LOAN_ROLES = {
    BoardRole.CHAIR: {Action.VIEW_LOANS, Action.MANAGE_LOANS, Action.HANDLE_LOAN_MONEY, Action.VIEW_PLANS,
                      Action.MANAGE_PLANS},
    BoardRole.VICE_CHAIR: {Action.VIEW_LOANS, Action.MANAGE_LOANS, Action.HANDLE_LOAN_MONEY, Action.VIEW_PLANS,
                           Action.MANAGE_PLANS},
    BoardRole.QARD_HASAN_OFFICER: {Action.VIEW_LOANS, Action.MANAGE_LOANS, Action.VIEW_PLANS},
    BoardRole.FINANCE_OFFICER: {Action.VIEW_LOANS, Action.HANDLE_LOAN_MONEY},
    BoardRole.EMPLOYMENT_OFFICER: {Action.VIEW_PLANS, Action.MANAGE_PLANS, Action.VIEW_LOANS},
    BoardRole.SOCIAL_WORK_OFFICER: {Action.VIEW_PLANS},
}
for _role, _actions in _LOAN_ROLES.items():
    ROLE_ACTIONS[_role] = ROLE_ACTIONS.get(_role, frozenset()) | _actions
# Social work (issue 5, seed 002: the vice-chair gives social-work services to the needy "confidentially
# and respectfully", under the chair; the social-work officer is the specialist). Case notes and referrals
# reach only these three at the center, and the supervisors over it (``may`` lets them do everything, as for
# VIEW_BENEFICIARIES). The finance officer and the officers of each kind of aid see households but not these.
for _role in (BoardRole.CHAIR, BoardRole.VICE_CHAIR, BoardRole.SOCIAL_WORK_OFFICER):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS[_role] | {Action.VIEW_CASE_NOTES, Action.WRITE_CASE_NOTES}
# Neighbourhood work (issue 8, seed 004): the chair and the executive vice-chair lead it, the social-work,
# organisations (liaison with local bodies), culture-education and health officers carry it out.
for _role in (BoardRole.CHAIR, BoardRole.VICE_CHAIR, BoardRole.SOCIAL_WORK_OFFICER, BoardRole.ORGANIZATIONS_OFFICER,
              BoardRole.CULTURE_EDUCATION_OFFICER, BoardRole.HEALTH_OFFICER):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS.get(_role, frozenset()) | {Action.MANAGE_COMMUNITY}
# Sponsorships (issue 5.5): the orphan-sponsorship officer (Ekram and Mohsenin, seed 002's optional officers)
# links sponsorship pledges to households and writes the donors' progress notes, under the chair and the
# vice-chair, who identify and record the needy.
for _role in (BoardRole.CHAIR, BoardRole.VICE_CHAIR, BoardRole.ORPHAN_SPONSORSHIP_OFFICER):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS.get(_role, frozenset()) | {Action.MANAGE_SPONSORSHIPS}

# Reports (issue 7, seed 001: each unit's monthly report goes to the participation office; seed 002: the chair
# leads, the vice-chair runs the executive affairs, the finance officer keeps the books). The whole board sees
# the center's own figures (aggregates only, no household); the chair, the vice-chair and the finance officer
# ask for reports; the chair and the finance officer sign off the month's report to the county.
for _role in BoardRole.values:
    ROLE_ACTIONS[_role] = ROLE_ACTIONS.get(_role, frozenset()) | {Action.VIEW_REPORTS}
for _role in (BoardRole.CHAIR, BoardRole.VICE_CHAIR, BoardRole.FINANCE_OFFICER):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS[_role] | {Action.REQUEST_REPORT}
for _role in (BoardRole.CHAIR, BoardRole.FINANCE_OFFICER):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS[_role] | {Action.SUBMIT_MONTHLY_REPORT}


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    trustee_roles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    supervised_center_ids: frozenset[int] = frozenset()
    assignments: tuple[SupervisorAssignment, ...] = ()
    needs_second_factor: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_trustee(self) -> bool:
        return bool(self.trustee_roles)

    @property
    def is_supervisor(self) -> bool:
        return bool(self.assignments)

    @property
    def center_ids(self) -> frozenset[int]:
        """Every center this actor may see: the scope the middleware opens for the request."""
        return frozenset(self.trustee_roles) | self.supervised_center_ids

    def roles_at(self, center_id: int) -> frozenset[str]:
        return self.trustee_roles.get(center_id, frozenset())


ANONYMOUS = Actor()


def user_requires_otp(user) -> bool:
    """Supervisors and national administrators must pass a second factor (TOTP) before they act."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or SupervisorAssignment.objects.filter(user=user, active=True).exists()


def actor_for(user, *, second_factor_passed: bool) -> Actor:
    """Builds the actor for a signed-in user. A supervisor who has not passed the second factor gets no
    supervisor scope at all (only what they hold as a trustee, if anything)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    with scopes_disabled():  # reviewed: reads only the user's own role rows, to decide the scope itself
        roles: dict[int, set[str]] = {}
        for center_id, role in TrusteeAppointment.objects.filter(
            user=user, status=TrusteeAppointment.Status.ACTIVE
        ).values_list("center_id", "role"):
            roles.setdefault(center_id, set()).add(role)
        assignments = tuple(
            SupervisorAssignment.objects.filter(user=user, active=True).select_related("organization")
        )
        needs_second_factor = bool(assignments) or user.is_superuser
        supervised: frozenset[int] = frozenset()
        if needs_second_factor and second_factor_passed:
            supervised = _centers_in_regions(assignments, national=user.is_superuser)
    return Actor(
        user=user,
        trustee_roles={cid: frozenset(r) for cid, r in roles.items()},
        supervised_center_ids=supervised,
        assignments=assignments if second_factor_passed else (),
        needs_second_factor=needs_second_factor and not second_factor_passed,
    )


def _centers_in_regions(assignments, *, national: bool) -> frozenset[int]:
    """Ids of the centers a supervisor oversees: their organisation's centers in their county, province or
    the whole country. A national administrator (superuser) oversees every center."""
    if national:
        return frozenset(Center.objects.values_list("pk", flat=True))
    region = Q(pk__in=[])
    for a in assignments:
        if a.level == SupervisorAssignment.Level.NATIONAL:
            region |= Q(organization_id=a.organization_id)
        elif a.level == SupervisorAssignment.Level.PROVINCE:
            region |= Q(organization_id=a.organization_id, county__province_id=a.province_id)
        else:
            region |= Q(organization_id=a.organization_id, county_id=a.county_id)
    return frozenset(Center.objects.filter(region).values_list("pk", flat=True))


def may(actor: Actor, action: Action | str, obj) -> bool:
    """May ``actor`` do ``action`` to ``obj`` (a Center or any object with ``center_id``)?"""
    center_id = obj.center_id
    if center_id not in actor.center_ids:
        return False
    if action == Action.VIEW:
        return True
    if center_id in actor.supervised_center_ids:
        return True
    if action == Action.SUPERVISE:
        return False
    return any(action in ROLE_ACTIONS.get(role, frozenset()) for role in actor.roles_at(center_id))


def require(actor: Actor, action: Action | str, obj) -> None:
    """Raises 404 when the object is not the actor's to see at all, 403 when it is but the action is not."""
    if obj is None or obj.center_id not in actor.center_ids:
        raise Http404
    if not may(actor, action, obj):
        raise PermissionDenied


def center_by_slug(actor: Actor, slug: str) -> Center:
    """The actor's center with this slug, or 404 (also for a center that exists but is not theirs)."""
    center = Center.objects.filter(slug=slug).select_related("county__province", "organization").first()
    require(actor, Action.VIEW, center)
    return center


def missing_core_roles(center: Center) -> list[str]:
    """The core board roles (seed 002) that nobody holds now at this center."""
    held = set(center.appointments.filter(status=TrusteeAppointment.Status.ACTIVE).values_list("role", flat=True))
    return [r for r in CORE_ROLES if r not in held]


def may_distribute_purpose(actor: Actor, center_id: int, purpose_code: str) -> bool:
    """May ``actor`` hand out aid of ``purpose_code`` at the center? Supervisors, the chair, the vice-chair and
    the finance officer any purpose; an aid officer only their own (``AID_OFFICER_PURPOSES``)."""
    if center_id not in actor.center_ids:
        return False
    if center_id in actor.supervised_center_ids:
        return True
    roles = actor.roles_at(center_id)
    if roles & {BoardRole.CHAIR, BoardRole.VICE_CHAIR, BoardRole.FINANCE_OFFICER}:
        return True
    return any(purpose_code in AID_OFFICER_PURPOSES.get(role, frozenset()) for role in roles)
