"""The harm map drawn on the server as SVG (DESIGN §7: drawings once, as SVG; no script, no map library, no
tiles). The center's activity area is the background; each site is a circle (a point) or a shape (an area),
coloured by the kind of harm and sized by its severity, numbered like the list beside the map. The legend
stands on the right, the reading side in Persian, with Persian digits; a scale bar and a north arrow help
read distances. Everything is presentation attributes, so the Content-Security-Policy needs no exception.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.templatetags.fa import localize_digits

from . import geo
from .models import ProblemCategory

# One colour per kind of harm (distinct, readable on the pale background, printable).
COLOURS = {
    ProblemCategory.ADDICTION: "#b91c1c",
    ProblemCategory.DOMESTIC_VIOLENCE: "#7c3aed",
    ProblemCategory.CHILD_LABOUR: "#ea580c",
    ProblemCategory.DIVORCE: "#db2777",
    ProblemCategory.UNEMPLOYMENT: "#2563eb",
    ProblemCategory.SCHOOL_DROPOUT: "#ca8a04",
    ProblemCategory.POVERTY: "#92400e",
    ProblemCategory.CRIME: "#111827",
    ProblemCategory.HOMELESSNESS: "#0891b2",
    ProblemCategory.ENVIRONMENT: "#4d7c0f",
    ProblemCategory.OTHER: "#6b7280",
}
AREA_COLOUR = "#0f766e"
FONT = "Vazirmatn, Tahoma, sans-serif"
METRES_PER_DEGREE = 111_320.0


def point_radius(severity: int) -> float:
    """Radius of a point site: grows with severity (1 → 6px, 5 → 16px), area in proportion to severity."""
    return round(6 + 10 * (math.sqrt(severity) - 1) / (math.sqrt(5) - 1), 1)


@dataclass(frozen=True)
class Mark:
    """One site as drawn: its number on the map and list, kind, severity, geometry and caption."""

    number: int
    category: str
    severity: int
    geometry: dict
    title: str


class Projection:
    """Longitude/latitude to the SVG box: north up, longitude scaled by cos(latitude) so shapes keep their
    proportions, the bounding box of everything drawn centred with a margin."""

    def __init__(self, points: list[tuple[float, float]], *, x: float, y: float, width: float, height: float):
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        self.min_x, self.max_y = min(xs), max(ys)
        self.aspect = math.cos(math.radians((min(ys) + max(ys)) / 2))
        span_x = max((max(xs) - min(xs)) * self.aspect, 1e-4)
        span_y = max(max(ys) - min(ys), 1e-4)
        self.scale = min(width / span_x, height / span_y)  # pixels per degree of latitude
        self.off_x = x + (width - span_x * self.scale) / 2
        self.off_y = y + (height - span_y * self.scale) / 2
        if max(xs) == min(xs):
            self.off_x = x + width / 2
        if max(ys) == min(ys):
            self.off_y = y + height / 2

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.off_x + (lon - self.min_x) * self.aspect * self.scale,
                self.off_y + (self.max_y - lat) * self.scale)

    def metres_per_pixel(self) -> float:
        return METRES_PER_DEGREE / self.scale


def _path(rings, project) -> str:
    parts = []
    for ring in rings:
        points = [project(float(p[0]), float(p[1])) for p in ring]
        parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z")
    return " ".join(parts)


def _text(x, y, text, *, size=13, anchor="start", weight="400", fill="#1f2937", rtl=True) -> str:
    direction = ' direction="rtl"' if rtl else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" font-weight="{weight}" '
            f'fill="{fill}" text-anchor="{anchor}"{direction}>{escape(text)}</text>')


def _scale_bar(projection: Projection, *, x: float, y: float) -> str:
    """A bar of a round length near 100 pixels, labelled in metres or kilometres."""
    target = projection.metres_per_pixel() * 100
    length = min((n for n in (25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000)
                  if n >= target * 0.6), default=50000)
    pixels = length / projection.metres_per_pixel()
    label = (_("%(n)s km") % {"n": localize_digits(length // 1000)} if length >= 1000
             else _("%(n)s m") % {"n": localize_digits(length)})
    return (f'<g class="scale-bar"><rect x="{x:.1f}" y="{y:.1f}" width="{pixels:.1f}" height="5" fill="#1f2937"/>'
            f'<rect x="{x + pixels / 2:.1f}" y="{y:.1f}" width="{pixels / 2:.1f}" height="5" fill="#ffffff" '
            f'stroke="#1f2937" stroke-width="1"/>'
            + _text(x + pixels / 2, y - 6, label, size=12, anchor="middle") + "</g>")


def harm_map_svg(*, area: dict | None, marks: list[Mark], title: str = "", width: int = 820,
                 height: int = 520) -> SafeString:
    """The harm map as inline SVG. ``area`` is the center's activity area (a Polygon, or None); ``marks`` are
    valid geometries (``community.geo.validate_harm_geometry``). With nothing to draw it says so."""
    legend_width = 230
    pad = 16
    map_x, map_y = pad, pad
    map_w, map_h = width - legend_width - 3 * pad, height - 2 * pad
    points: list[tuple[float, float]] = []
    if area and area.get("type") == "Polygon" and area.get("coordinates"):
        points += [(float(p[0]), float(p[1])) for ring in area["coordinates"] for p in ring]
    else:
        area = None
    for mark in marks:
        points += geo.positions(mark.geometry)
    body: list[str] = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
                       f'<rect x="{map_x}" y="{map_y}" width="{map_w}" height="{map_h}" fill="#f1f5f4" '
                       f'stroke="#d1d5db"/>']
    if not points:
        body.append(_text(map_x + map_w / 2, map_y + map_h / 2, _("Nothing is marked on the map yet."),
                          anchor="middle", size=15))
        projection = None
    else:
        # Room for the largest circle at the edges.
        inner = 24
        projection = Projection(points, x=map_x + inner, y=map_y + inner, width=map_w - 2 * inner,
                                height=map_h - 2 * inner)
        if area:
            body.append(f'<path d="{_path(area["coordinates"], projection)}" fill="{AREA_COLOUR}" '
                        f'fill-opacity="0.10" stroke="{AREA_COLOUR}" stroke-width="2" stroke-dasharray="8 4" '
                        f'fill-rule="evenodd"><title>{escape(_("Activity area"))}</title></path>')
        # Areas first (largest under smallest), then points, most severe on top.
        shapes = sorted((m for m in marks if m.geometry["type"] == "Polygon"), key=lambda m: m.severity)
        dots = sorted((m for m in marks if m.geometry["type"] == "Point"), key=lambda m: m.severity)
        # Translated once, not once per site (a map may carry hundreds).
        template = _("%(number)s. %(title)s — %(kind)s, severity %(severity)s of 5")
        kinds = {value: str(label) for value, label in ProblemCategory.choices}
        for mark in shapes + dots:
            colour = COLOURS.get(mark.category, COLOURS[ProblemCategory.OTHER])
            caption = escape(template % {
                "number": localize_digits(mark.number), "title": mark.title,
                "kind": kinds.get(mark.category, mark.category), "severity": localize_digits(mark.severity)})
            if mark.geometry["type"] == "Polygon":
                body.append(f'<path d="{_path(mark.geometry["coordinates"], projection)}" fill="{colour}" '
                            f'fill-opacity="{0.12 + 0.08 * mark.severity:.2f}" stroke="{colour}" '
                            f'stroke-width="{1 + mark.severity / 2:.1f}" fill-rule="evenodd">'
                            f'<title>{caption}</title></path>')
                cx, cy = projection(*geo.centroid(mark.geometry))
                r = 9.0
            else:
                cx, cy = projection(*geo.positions(mark.geometry)[0])
                r = point_radius(mark.severity)
                body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="{colour}" fill-opacity="0.85" '
                            f'stroke="#ffffff" stroke-width="1.5"><title>{caption}</title></circle>')
            body.append(_text(cx, cy + 4, localize_digits(mark.number), size=11 if r >= 9 else 9, anchor="middle",
                              weight="700", fill="#ffffff" if mark.geometry["type"] == "Point" else colour,
                              rtl=False))
        body.append(_scale_bar(projection, x=map_x + 14, y=map_y + map_h - 16))
        # North arrow, top left of the map.
        nx, ny = map_x + 26, map_y + 18
        body.append(f'<path d="M{nx},{ny} L{nx + 7},{ny + 20} L{nx},{ny + 15} L{nx - 7},{ny + 20} Z" '
                    f'fill="#1f2937"/>')
        body.append(_text(nx, ny + 36, _("North"), size=11, anchor="middle"))
    body.append(_legend(marks, x=width - pad, y=pad, has_area=area is not None))
    label = f"<title>{escape(title)}</title>" if title else ""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" class="harm-map" direction="rtl">{label}{"".join(body)}</svg>')
    return mark_safe(svg)  # noqa: S308 - numbers we computed and escaped text


def _legend(marks: list[Mark], *, x: float, y: float, has_area: bool) -> str:
    """The legend, right-aligned: the kinds of harm shown (with how many sites), the severity sizes, and the
    activity area."""
    counts: dict[str, int] = {}
    for mark in marks:
        counts[mark.category] = counts.get(mark.category, 0) + 1
    out = [_text(x, y + 16, _("Legend"), size=15, weight="700")]
    line = y + 44
    for category in ProblemCategory.values:
        if category not in counts:
            continue
        out.append(f'<rect x="{x - 14:.1f}" y="{line - 11:.1f}" width="14" height="14" rx="3" '
                   f'fill="{COLOURS[category]}"/>')
        out.append(_text(x - 22, line, _("%(kind)s (%(count)s)") % {
            "kind": ProblemCategory(category).label, "count": localize_digits(counts[category])}))
        line += 22
    if not counts:
        out.append(_text(x, line, _("No harm recorded."), size=12, fill="#6b7280"))
        line += 22
    line += 10
    out.append(_text(x, line, _("Severity of harm"), size=13, weight="700"))
    line += 14
    for severity in (1, 3, 5):
        r = point_radius(severity)
        out.append(f'<circle cx="{x - 18:.1f}" cy="{line + r:.1f}" r="{r}" fill="#6b7280" fill-opacity="0.6"/>')
        out.append(_text(x - 42, line + r + 4, localize_digits(severity)))
        line += 2 * r + 8
    if has_area:
        line += 8
        out.append(f'<rect x="{x - 18:.1f}" y="{line - 11:.1f}" width="18" height="14" fill="{AREA_COLOUR}" '
                   f'fill-opacity="0.1" stroke="{AREA_COLOUR}" stroke-width="2" stroke-dasharray="4 2"/>')
        out.append(_text(x - 26, line, _("Activity area")))
    return f'<g class="legend">{"".join(out)}</g>'
