"""What a report or a figure covers: one center, a county, a province or the nation.

A supervisor oversees only their own organisation's centers (architecture §3), so a region scope may carry an
``organization_id``: ``Scope("province", 12, 2)`` is the welfare organisation's centers in province 12, while
``Scope("province", 12)`` is every center there (what a national administrator sees). The string form is
``"center:5"``, ``"county:40"``, ``"province:12"``, ``"nation"``, with ``"@<organization id>"`` appended when the
scope is one organisation's (``"province:12@2"``, ``"nation@1"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from centers.access import Action, Actor, actor_for, may
from centers.models import Center, County, Organization, Province, SupervisorAssignment

CENTER = "center"
COUNTY = "county"
PROVINCE = "province"
NATION = "nation"
LEVELS = (CENTER, COUNTY, PROVINCE, NATION)

_SCOPE_RE = re.compile(r"(center|county|province|nation)(?::([0-9]+))?(?:@([0-9]+))?")


@dataclass(frozen=True)
class Scope:
    """``level`` in center / county / province / nation; ``id`` the center's, county's or province's primary key
    (None for the nation); ``organization_id`` narrows a region to one supervising organisation (None: all)."""

    level: str
    id: int | None = None
    organization_id: int | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"scope level must be one of {LEVELS}, got {self.level!r}")
        if self.level == NATION:
            if self.id is not None:
                raise ValueError("the nation scope has no id")
        elif isinstance(self.id, bool) or not isinstance(self.id, int):
            raise ValueError(f"a {self.level} scope needs an integer id, got {self.id!r}")
        if self.level == CENTER and self.organization_id is not None:
            raise ValueError("a center scope has no organisation (the center has one)")

    @classmethod
    def center(cls, center_id: int) -> Scope:
        return cls(CENTER, center_id)

    @classmethod
    def nation(cls, organization_id: int | None = None) -> Scope:
        return cls(NATION, None, organization_id)

    @classmethod
    def parse(cls, text: str) -> Scope:
        """Inverse of ``str()``: ``"center:5"``, ``"province:12"``, ``"province:12@2"``, ``"nation"``."""
        match = _SCOPE_RE.fullmatch((text or "").strip())
        if match is None:
            raise ValueError(f"invalid scope {text!r}: expected e.g. center:5, county:40, province:12, nation")
        level, ident, org = match.groups()
        return cls(level, int(ident) if ident else None, int(org) if org else None)

    def __str__(self) -> str:
        text = self.level if self.level == NATION else f"{self.level}:{self.id}"
        return f"{text}@{self.organization_id}" if self.organization_id is not None else text

    # -- what it covers --------------------------------------------------------------------------------------

    def center_filter(self) -> dict:
        """Keyword filter on ``Center`` selecting the centers of this scope."""
        q: dict = {}
        if self.level == CENTER:
            q["pk"] = self.id
        elif self.level == COUNTY:
            q["county_id"] = self.id
        elif self.level == PROVINCE:
            q["county__province_id"] = self.id
        if self.organization_id is not None:
            q["organization_id"] = self.organization_id
        return q

    def center_ids(self) -> list[int]:
        """Ids of the centers in this scope (any status), sorted. Not access-checked: ask
        :func:`scope_allowed` first."""
        with scopes_disabled():  # reviewed: reads only center ids of the region, to aggregate rollups
            return sorted(Center.objects.filter(**self.center_filter()).values_list("pk", flat=True))

    def label(self) -> str:
        """Persian name: the center's name, «شهرستان …», «استان …», «کل کشور», with the organisation when narrowed."""
        with scopes_disabled():  # reviewed: one name of a center, county, province or organisation
            if self.level == CENTER:
                name = Center.objects.filter(pk=self.id).values_list("name", flat=True).first() or ""
                return name
            if self.level == COUNTY:
                name = County.objects.filter(pk=self.id).values_list("name", flat=True).first() or ""
                text = _("county of %(name)s") % {"name": name}
            elif self.level == PROVINCE:
                name = Province.objects.filter(pk=self.id).values_list("name", flat=True).first() or ""
                text = _("province of %(name)s") % {"name": name}
            else:
                text = _("the whole country")
            if self.organization_id is not None:
                org = Organization.objects.filter(pk=self.organization_id).first()
                if org is not None:
                    text = _("%(region)s, %(organization)s") % {"region": text, "organization": str(org)}
            return text


def _as_actor(user_or_actor) -> Actor:
    if isinstance(user_or_actor, Actor):
        return user_or_actor
    from centers.middleware import _is_verified

    return actor_for(user_or_actor, second_factor_passed=_is_verified(user_or_actor))


def scopes_for_user(user_or_actor) -> list[Scope]:
    """The scopes a user (or an already-built ``Actor``; pass ``request.actor`` in a view, since a bare user
    counts as having passed the second factor only when django-otp marked it verified) may see reports of,
    widest first:
    a national administrator (superuser, second factor passed) ``nation``; a supervisor their assignments'
    regions narrowed to their organisation (``province:12@2``...); a trustee each of their centers where their
    role may VIEW_REPORTS. A supervisor who has not passed the second factor gets only their trustee scopes."""
    actor = _as_actor(user_or_actor)
    scopes: list[Scope] = []
    user = actor.user
    if user is not None and getattr(user, "is_superuser", False) and actor.supervised_center_ids:
        scopes.append(Scope.nation())
    order = {SupervisorAssignment.Level.NATIONAL: 0, SupervisorAssignment.Level.PROVINCE: 1}
    for a in sorted(actor.assignments, key=lambda a: (order.get(a.level, 2), a.pk)):
        if a.level == SupervisorAssignment.Level.NATIONAL:
            s = Scope(NATION, None, a.organization_id)
        elif a.level == SupervisorAssignment.Level.PROVINCE:
            s = Scope(PROVINCE, a.province_id, a.organization_id)
        else:
            s = Scope(COUNTY, a.county_id, a.organization_id)
        if s not in scopes:
            scopes.append(s)
    trustee_ids = sorted(actor.trustee_roles)
    if trustee_ids:
        with scopes_disabled():  # reviewed: the actor's own centers, to ask the access module about each
            centers = list(Center.objects.filter(pk__in=trustee_ids))
        for c in centers:
            if may(actor, Action.VIEW_REPORTS, c) and Scope.center(c.pk) not in scopes:
                scopes.append(Scope.center(c.pk))
    return scopes


def scope_allowed(user_or_actor, scope: Scope) -> bool:
    """May this user see figures of ``scope``? One of their scopes, or a scope whose centers all lie inside one
    of their region scopes (a province supervisor may look at one county or one center of their province)."""
    actor = _as_actor(user_or_actor)
    mine = scopes_for_user(actor)
    if scope in mine:
        return True
    if scope.level == CENTER:
        with scopes_disabled():  # reviewed: one center, to ask the access module
            center = Center.objects.filter(pk=scope.id).first()
        return center is not None and may(actor, Action.VIEW_REPORTS, center)
    wanted = set(scope.center_ids())
    if not wanted:
        return False
    return any(s.level != CENTER and wanted <= set(s.center_ids()) for s in mine)
