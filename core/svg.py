"""Server-side SVG drawings, shared by the pages and the PDFs (DESIGN §7: charts drawn once, as SVG).

Inline SVG needs no script and no style attribute, so it stays within the Content-Security-Policy.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def polygon_svg(geometry: dict | None, *, width: int = 320, height: int = 220, label: str = "") -> SafeString:
    """A GeoJSON Polygon drawn to fit ``width`` × ``height`` (north up, longitude scaled by latitude)."""
    if not geometry or geometry.get("type") != "Polygon" or not geometry.get("coordinates"):
        return mark_safe("")  # noqa: S308 - constant
    import math

    rings = [[(float(x), float(y)) for x, y, *_ in ring] for ring in geometry["coordinates"]]
    xs = [x for ring in rings for x, _y in ring]
    ys = [y for ring in rings for _x, y in ring]
    # Degrees of longitude shrink towards the poles: scale them so the shape is not stretched.
    aspect = math.cos(math.radians((min(ys) + max(ys)) / 2))
    span_x = max((max(xs) - min(xs)) * aspect, 1e-9)
    span_y = max(max(ys) - min(ys), 1e-9)
    pad = 10
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def point(x: float, y: float) -> str:
        return f"{off_x + (x - min(xs)) * aspect * scale:.1f},{off_y + (max(ys) - y) * scale:.1f}"

    path = " ".join("M" + " L".join(point(x, y) for x, y in ring) + " Z" for ring in rings)
    title = f"<title>{escape(label)}</title>" if label else ""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" class="area-map">{title}'
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#eef6f5"/>'
           f'<path d="{path}" fill="#0f766e" fill-opacity="0.25" stroke="#0f766e" stroke-width="2" '
           f'fill-rule="evenodd"/></svg>')
    return mark_safe(svg)  # noqa: S308 - numbers we computed and an escaped title
