"""GeoJSON checks of the harm map and its server-side SVG drawing."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from community import geo
from community.maps import COLOURS, Mark, Projection, harm_map_svg, point_radius

from .helpers import LAT, LON, square

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("value", [
    {"type": "Point", "coordinates": [LON, LAT]},
    '{"type": "Point", "coordinates": [51.72, 32.705, 1500]}',
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [LON, LAT]}, "properties": {}},
    square(),
])
def test_points_and_closed_polygons_inside_iran_are_accepted(value):
    geometry = geo.validate_harm_geometry(value)
    assert geometry["type"] in ("Point", "Polygon")
    if geometry["type"] == "Point":
        assert geometry["coordinates"] == [LON, LAT]


@pytest.mark.parametrize(("value", "words"), [
    ("not json", "JSON"),
    ({"type": "LineString", "coordinates": [[LON, LAT], [LON, LAT + 0.01]]}, "Point or Polygon"),
    ({"type": "Point", "coordinates": [2.35, 48.85]}, "outside Iran"),  # Paris
    ({"type": "Point", "coordinates": [LAT, LON]}, "outside Iran"),  # latitude first
    ({"type": "Point", "coordinates": ["51", 32]}, "pair of numbers"),
    ({"type": "Point", "coordinates": [float("nan"), 32]}, "pair of numbers"),
    ({"type": "Point", "coordinates": [True, 32]}, "pair of numbers"),
    ({"type": "Polygon", "coordinates": [[[51.7, 32.7], [51.71, 32.7], [51.71, 32.71], [51.7, 32.72]]]}, "closed"),
    ({"type": "Polygon", "coordinates": [[[51.7, 32.7], [51.71, 32.7], [51.7, 32.7]]]}, "four positions"),
    ({"type": "Polygon", "coordinates": [[[51.7, 32.7], [71.0, 32.7], [51.7, 33.0], [51.7, 32.7]]]}, "outside Iran"),
    ([1, 2], "Point or Polygon"),
])
def test_bad_geometry_is_refused_with_a_clear_message(value, words):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        geo.validate_harm_geometry(value)
    assert error.value.code == "invalid_geometry"
    assert words in " ".join(error.value.messages)


def test_inside_area_uses_the_representative_point():
    assert geo.inside_area({"type": "Point", "coordinates": [LON, LAT]}, square())
    assert not geo.inside_area({"type": "Point", "coordinates": [LON + 0.01, LAT]}, square())
    assert geo.inside_area({"type": "Point", "coordinates": [LON + 5, LAT]}, None)


def test_projection_keeps_north_up_and_proportions():
    points = [(51.0, 32.0), (51.01, 32.01)]
    project = Projection(points, x=0, y=0, width=200, height=200)
    (x1, y1), (x2, y2) = project(51.0, 32.0), project(51.01, 32.01)
    assert x2 > x1 and y2 < y1  # east is right, north is up
    # A degree of longitude at 32° is cos(32°) of a degree of latitude.
    assert (x2 - x1) / (y1 - y2) == pytest.approx(0.848, abs=0.01)


def _marks():
    return [
        Mark(number=1, category="addiction", severity=5, geometry={"type": "Point", "coordinates": [LON + 0.001, LAT]},
             title="پارک <محله>"),
        Mark(number=2, category="child_labour", severity=1,
             geometry={"type": "Point", "coordinates": [LON - 0.002, LAT + 0.001]}, title="چهارراه"),
        Mark(number=3, category="unemployment", severity=3, geometry=square(LON - 0.002, LAT - 0.002, 0.0008),
             title="بلوک‌ها"),
    ]


def test_map_draws_sites_in_the_box_coloured_by_kind_sized_by_severity_with_a_persian_legend():
    with translation.override("fa"):
        svg = str(harm_map_svg(area=square(), marks=_marks(), title="نقشه"))
    root = ET.fromstring(svg)  # noqa: S314 - our own output; well-formed: the title's "<" was escaped
    width, height = float(root.get("width")), float(root.get("height"))
    circles = {c.get("fill"): c for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None}
    severe, slight = circles[COLOURS["addiction"]], circles[COLOURS["child_labour"]]
    assert float(severe.get("r")) == point_radius(5) > float(slight.get("r")) == point_radius(1)
    for c in (severe, slight):
        assert 0 < float(c.get("cx")) < width and 0 < float(c.get("cy")) < height
    assert float(severe.get("cx")) > float(slight.get("cx")), "the eastern site is drawn further right"
    paths = [p for p in root.iter(f"{SVG}path") if p.get("fill") == COLOURS["unemployment"]]
    assert len(paths) == 1 and paths[0].get("d").endswith("Z")
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    texts = [t.text for t in legend.iter(f"{SVG}text")]
    with translation.override("fa"):
        from community.models import ProblemCategory

        expected = f"{translation.gettext(ProblemCategory.ADDICTION.label)} (۱)"
    assert expected in texts, texts
    assert all(t.get("direction") == "rtl" for t in legend.iter(f"{SVG}text"))
    assert not re.search(r"[0-9]", "".join(texts)), "legend digits are Persian"
    # The legend is on the right of the map (the reading side in Persian).
    assert all(float(t.get("x")) > width * 0.7 for t in legend.iter(f"{SVG}text"))
    assert "<script" not in svg and "style=" not in svg


def test_map_without_anything_to_draw_says_so():
    with translation.override("en"):
        svg = str(harm_map_svg(area=None, marks=[]))
    assert "Nothing is marked on the map yet." in svg


def test_severity_sizes_grow_with_severity():
    radii = [point_radius(s) for s in range(1, 6)]
    assert radii == sorted(radii) and len(set(radii)) == 5
