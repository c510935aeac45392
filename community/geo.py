"""GeoJSON checks for the harm map: a Point or a Polygon, longitude first, inside Iran, polygons closed.

Polygons go through the same check as a center's activity area (``centers.services.lifecycle.validate_polygon``)
so the two never disagree about what a valid polygon is; points get the same bounds.
"""

from __future__ import annotations

import json
import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from centers.services.lifecycle import IRAN_LAT, IRAN_LON, point_in_ring, validate_polygon


def _fail(message: str):
    raise ValidationError(message, code="invalid_geometry")


def _number(n) -> bool:
    return isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n)


def validate_harm_geometry(value) -> dict:
    """The normalised geometry (``{"type": "Point", "coordinates": [lon, lat]}`` or a Polygon), or a
    translated ``ValidationError``. Accepts a dict or its JSON text; a GeoJSON Feature gives its geometry."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            _fail(_("The place is not valid JSON."))
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") not in ("Point", "Polygon"):
        _fail(_("The place must be a GeoJSON Point or Polygon."))
    if value["type"] == "Polygon":
        try:
            return validate_polygon(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="invalid_geometry") from None
    position = value.get("coordinates")
    if not isinstance(position, list) or len(position) not in (2, 3) or not all(_number(n) for n in position):
        _fail(_("A point must be a pair of numbers: [longitude, latitude]."))
    lon, lat = float(position[0]), float(position[1])
    if not (IRAN_LON[0] <= lon <= IRAN_LON[1] and IRAN_LAT[0] <= lat <= IRAN_LAT[1]):
        _fail(_("The position [%(lon)s, %(lat)s] is outside Iran (longitude first, then latitude).")
              % {"lon": lon, "lat": lat})
    return {"type": "Point", "coordinates": [lon, lat]}


def positions(geometry: dict) -> list[tuple[float, float]]:
    """Every (lon, lat) of a valid Point or Polygon."""
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        return [(float(lon), float(lat))]
    return [(float(p[0]), float(p[1])) for ring in geometry.get("coordinates", []) for p in ring]


def centroid(geometry: dict) -> tuple[float, float]:
    """A representative point: the point itself, or the mean of a polygon's outer ring (last one repeats)."""
    if geometry.get("type") == "Point":
        return positions(geometry)[0]
    ring = geometry["coordinates"][0][:-1]
    return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))


def inside_area(geometry: dict, area: dict | None) -> bool:
    """Is the site's representative point inside the center's activity area (outer ring)? True when the
    center has no area yet (nothing to compare with)."""
    if not area or area.get("type") != "Polygon" or not area.get("coordinates"):
        return True
    return point_in_ring(centroid(geometry), area["coordinates"][0])
