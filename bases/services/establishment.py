"""Establishing a social-health base (seed 004, "documents required to found a base").

A welfare supervisor records the NGO's application with its documents; a welfare supervisor over the county
approves it only when every required document is there and the NGO qualifies (a license from the welfare
organisation valid today, a record of local social activity, active staff). Approval creates the base
``Center``, licenses it through the centers' lifecycle (``center_transition``, the one writer of a center's
status), links it to the NGO and appoints the NGO's representative chair of the base's board.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from bases.models import ApplicationDocument, BaseApplication, BaseOperator, Ngo
from bases.models.establishment import REQUIRED_DOCUMENTS, DocumentKind
from centers import access
from centers.models import BoardRole, Center, County, Organization
from centers.services import lifecycle
from centers.services.tenancy import appointment_create

from .ngos import supervises_county

# The validity of the center license a new base receives, in Jalali years (its yearly agreement is what
# lets it work from year to year).
DEFAULT_BASE_LICENSE_YEARS = 3


@dataclass(frozen=True)
class DocumentInput:
    kind: str
    file: object
    title: str = ""


def _require_supervisor(actor: access.Actor, county: County) -> None:
    if not supervises_county(actor, county):
        raise PermissionDenied


@transaction.atomic
def application_submit(*, actor: access.Actor, ngo: Ngo, county: County, base_name: str, representative,
                       host_place: str = Center.HostPlace.OTHER, host_place_name: str = "", address: str = "",
                       documents: list[DocumentInput] = ()) -> BaseApplication:
    """Records an NGO's application to found a base in ``county`` with the documents it handed in."""
    _require_supervisor(actor, county)
    base_name = (base_name or "").strip()
    if not base_name:
        raise ValidationError(_("Name the base."), code="name_required")
    if BaseApplication.objects.filter(ngo=ngo, county=county, status=BaseApplication.Status.SUBMITTED).exists():
        raise ValidationError(_("This NGO already has an application waiting for a decision in this county."),
                              code="duplicate_application")
    application = BaseApplication(
        ngo=ngo, county=county, base_name=base_name, representative=representative, host_place=host_place,
        host_place_name=host_place_name, address=address,
        organization=Organization.objects.get(code=Organization.Code.WELFARE))
    application.full_clean()
    application.save()
    for doc in documents:
        document_add(actor=actor, application=application, kind=doc.kind, file=doc.file, title=doc.title)
    return application


@transaction.atomic
def document_add(*, actor: access.Actor, application: BaseApplication, kind: str, file, title: str = ""
                 ) -> ApplicationDocument:
    """Adds a document to an application still waiting for its decision (the file's content is checked)."""
    _require_supervisor(actor, application.county)
    if application.status != BaseApplication.Status.SUBMITTED:
        raise ValidationError(_("Documents can be added only to an application waiting for a decision."),
                              code="application_decided")
    document = ApplicationDocument(application=application, kind=kind, file=file, title=(title or "").strip())
    document.full_clean()
    document.save()
    return document


def application_problems(application: BaseApplication, *, on: datetime.date | None = None) -> list[str]:
    """Everything that keeps the application from approval (seed 004's requirements), empty when none."""
    on = on or timezone.localdate()
    problems = []
    handed_in = set(application.documents.values_list("kind", flat=True))
    for kind in REQUIRED_DOCUMENTS:
        if kind not in handed_in:
            problems.append(str(_("Missing document: %(document)s.") % {"document": DocumentKind(kind).label}))
    ngo = application.ngo
    if ngo.current_license(on) is None:
        problems.append(str(_("The NGO has no license from the welfare organisation valid today.")))
    if not ngo.track_record.exists():
        problems.append(str(_("The NGO has no recorded social activity.")))
    if not ngo.staff.filter(active=True).exists():
        problems.append(str(_("The NGO has no active staff.")))
    return problems


def _slug_for(application: BaseApplication) -> str:
    base = f"base-{application.county.code}-{application.pk}"
    slug, n = base, 1
    # reviewed: reads only whether a slug is taken; slugs are unique across every center in the country.
    while Center._base_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def application_approve(*, actor: access.Actor, application: BaseApplication, note: str = "",
                        license_years: int | None = None) -> Center:
    """Approves the application: creates the base, licenses it, links the NGO and appoints its chair."""
    application = BaseApplication.objects.select_for_update().select_related("ngo", "county").get(
        pk=application.pk)
    _require_supervisor(actor, application.county)
    if application.status != BaseApplication.Status.SUBMITTED:
        raise ValidationError(_("This application has already been decided."), code="application_decided")
    problems = application_problems(application)
    if problems:
        raise ValidationError(problems, code="application_incomplete")
    center = Center._base_manager.create(
        name=application.base_name, slug=_slug_for(application), kind=Center.Kind.SOCIAL_HEALTH_BASE,
        organization=application.organization, county=application.county, host_place=application.host_place,
        host_place_name=application.host_place_name, address=application.address, status=Center.Status.REVIEW)
    # The actor's scope was decided before the base existed: the new base joins it for the licensing step.
    deciding = access.actor_for(actor.user, second_factor_passed=True)
    with scope(center=sorted(deciding.center_ids | {center.pk})):
        lifecycle.center_transition(
            center=center, name="license", actor=deciding,
            years=license_years or getattr(settings, "BASES_LICENSE_YEARS", DEFAULT_BASE_LICENSE_YEARS),
            reason=str(_("Base established on the approval of the NGO's application.")))
        BaseOperator.objects.create(center=center, ngo=application.ngo, since=timezone.localdate(),
                                    application=application)
        appointment_create(center=center, user=application.representative, role=BoardRole.CHAIR)
    application.status = BaseApplication.Status.APPROVED
    application.center = center
    application.decided_by = actor.user
    application.decided_at = timezone.now()
    application.note = (note or "").strip()
    application.save(update_fields=["status", "center", "decided_by", "decided_at", "note"])
    return center


@transaction.atomic
def application_reject(*, actor: access.Actor, application: BaseApplication, note: str) -> BaseApplication:
    """Rejects the application with the reason the NGO is told."""
    application = BaseApplication.objects.select_for_update().select_related("county").get(pk=application.pk)
    _require_supervisor(actor, application.county)
    if application.status != BaseApplication.Status.SUBMITTED:
        raise ValidationError(_("This application has already been decided."), code="application_decided")
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Give the reason for rejecting the application."), code="reason_required")
    application.status = BaseApplication.Status.REJECTED
    application.decided_by = actor.user
    application.decided_at = timezone.now()
    application.note = note
    application.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return application
