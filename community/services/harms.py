"""The map of social harms: recording a site and closing it (seed 004, commitment 3)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centers.access import Actor
from centers.models import Center
from community import geo
from community.models import HarmSite, ProblemCategory

from .common import choice, past_date, start, text

__all__ = ["harm_site_close", "harm_site_record"]


@transaction.atomic
def harm_site_record(*, actor: Actor, center: Center, title: str, category: str, severity: int, geometry,
                     observed_on: datetime.date, source: str = "", notes: str = "") -> HarmSite:
    """Marks a place of social harm on the neighbourhood's map: a GeoJSON Point or Polygon inside Iran (a
    polygon closed), with the kind of harm and its severity from 1 to 5. The map records places, not people:
    the title names a street, a block or a place."""
    start(actor, center)
    title = text(title, message=_("Name the place."), code="title_required", max_length=200)
    choice(category, ProblemCategory, message=_("Unknown kind of harm."), code="bad_category")
    if isinstance(severity, bool) or not isinstance(severity, int) or not 1 <= severity <= 5:
        raise ValidationError(_("The severity is a whole number from 1 to 5."), code="bad_severity")
    geometry = geo.validate_harm_geometry(geometry)
    past_date(observed_on, message=_("The observation cannot be dated in the future."), code="bad_observed_on")
    source = text(source, message="", code="", max_length=200, required=False)
    return HarmSite.objects.create(center=center, title=title, category=category, severity=severity,
                                   geometry=geometry, observed_on=observed_on, source=source,
                                   notes=(notes or "").strip(), created_by=actor.user)


@transaction.atomic
def harm_site_close(*, actor: Actor, site: HarmSite) -> HarmSite:
    """The harm is no longer seen at this place: off the map, kept on record."""
    start(actor, site)
    if not site.active:
        raise ValidationError(_("This site is already off the map."), code="already_closed")
    site.active = False
    site.save(update_fields=["active"])
    return site
