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
