"""Who sees which NGO, who supervises a base's establishment, and the base's operating check.

An NGO is not a tenant, so it is never listed through a scoped manager: a welfare supervisor sees the NGOs
registered in their region, a base's trustees the NGO that runs their base, a national administrator all.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bases.models import BaseAgreement, BaseOperator, Ngo
from centers import access
from centers.models import Center, County, Organization, SupervisorAssignment


def _is_national_admin(actor: access.Actor) -> bool:
    user = actor.user
    return bool(user is not None and user.is_superuser and not actor.needs_second_factor)


def welfare_region(actor: access.Actor) -> Q | None:
    """A filter on ``county`` for the counties where the actor supervises for the welfare organisation, or
    None when they supervise nowhere for it. National administrators supervise everywhere."""
    if _is_national_admin(actor):
        return Q()
    region = None
    for a in actor.assignments:
        if a.organization.code != Organization.Code.WELFARE:
            continue
        if a.level == SupervisorAssignment.Level.NATIONAL:
            part = Q()
        elif a.level == SupervisorAssignment.Level.PROVINCE:
            part = Q(county__province_id=a.province_id)
        else:
            part = Q(county_id=a.county_id)
        region = part if region is None else region | part
    return region


def supervises_county(actor: access.Actor, county: County) -> bool:
    """True when the actor supervises ``county`` for the welfare organisation (or is a national administrator)."""
    if _is_national_admin(actor):
        return True
    for a in actor.assignments:
        if a.organization.code != Organization.Code.WELFARE:
            continue
        if (a.level == SupervisorAssignment.Level.NATIONAL
                or (a.level == SupervisorAssignment.Level.PROVINCE and a.province_id == county.province_id)
                or (a.level == SupervisorAssignment.Level.COUNTY and a.county_id == county.pk)):
            return True
    return False


def ngos_visible_to(actor: access.Actor) -> QuerySet[Ngo]:
    """The NGOs this actor may see: those of their welfare region, and those running their centers."""
    region = welfare_region(actor)
    operating = BaseOperator.objects.filter(center_id__in=sorted(actor.center_ids)).values("ngo_id")
    condition = Q(pk__in=operating)
    if region is not None:
        condition |= region
    return Ngo.objects.filter(condition).distinct()


def base_operator(center: Center) -> BaseOperator | None:
    return BaseOperator.objects.filter(center=center).select_related("ngo").first()


def current_agreement(center: Center, *, on: datetime.date | None = None) -> BaseAgreement | None:
    """The agreement in force at the base on ``on`` (today by default): its period covers the day and no
    early termination ended it before."""
    on = on or timezone.localdate()
    for agreement in BaseAgreement.objects.filter(center=center, starts_on__lte=on, ends_on__gte=on):
        if agreement.covers(on):
            return agreement
    return None


def base_operating_problem(center: Center, *, on: datetime.date | None = None):
    """Why a social-health base may not operate on ``on``, or None (seed 004: a base is run by an NGO with a
    valid welfare license, under a yearly agreement). Other kinds of center are not this module's concern.

    Called by ``centers.services.lifecycle.center_operating_problem`` after the center's own license check.
    """
    if center.kind != Center.Kind.SOCIAL_HEALTH_BASE:
        return None
    on = on or timezone.localdate()
    operator = base_operator(center)
    if operator is None:
        return _("This social-health base cannot operate: no NGO is recorded as running it.")
    if operator.ngo.current_license(on) is None:
        return _("This social-health base cannot operate: the license of its NGO (%(ngo)s) from the welfare "
                 "organisation is not valid.") % {"ngo": operator.ngo.name}
    if current_agreement(center, on=on) is None:
        return _("This social-health base cannot operate: it has no agreement in force for this year.")
    return None
