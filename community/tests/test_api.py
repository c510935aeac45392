"""API of neighbourhood work: recording a harm site (validated geometry), the outsider's 404, the role's 403,
and lists narrowed to the caller's centers."""

import pytest
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from community.models import HarmSite

from .helpers import LAT, LON, isolation_objects

pytestmark = pytest.mark.django_db


def _headers(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def _site(center, **changes):
    body = {"center": center.pk, "title": "پارک محله", "category": "addiction", "severity": 4,
            "geometry": {"type": "Point", "coordinates": [LON, LAT]}, "observed_on": "2025-04-01"}
    body.update(changes)
    return body


def test_a_harm_site_is_recorded_through_the_api(client, base):
    response = client.post("/api/v1/community/harm-sites/", _site(base.center), content_type="application/json",
                           **_headers(base.social_worker))
    assert response.status_code == 201, response.json()
    assert response.json()["geometry"] == {"type": "Point", "coordinates": [LON, LAT]}
    assert response.json()["center"] == base.center.pk


@pytest.mark.parametrize("geometry", [
    {"type": "Point", "coordinates": [LAT, LON]},
    {"type": "Polygon", "coordinates": [[[51.7, 32.7], [51.71, 32.7], [51.71, 32.71], [51.7, 32.72]]]},
    "a string", None, [], {"type": "Point"},
])
def test_a_bad_geometry_is_a_400_and_nothing_is_stored(client, base, geometry):
    client.cookies["django_language"] = "en"
    response = client.post("/api/v1/community/harm-sites/", _site(base.center, geometry=geometry),
                           content_type="application/json", **_headers(base.chair))
    assert response.status_code == 400, response.content
    with scopes_disabled():
        assert not HarmSite.objects.exists()


def test_roles_and_outsiders(client, base):
    assert client.post("/api/v1/community/harm-sites/", _site(base.center), content_type="application/json",
                       **_headers(base.finance_officer)).status_code == 403
    assert client.post("/api/v1/community/harm-sites/", _site(base.center), content_type="application/json",
                       **_headers(base.other_chair)).status_code == 404
    objects = isolation_objects(base.center, base.chair, secret="محرمانه")
    outsider = _headers(base.foreign_supervisor)
    for basename, pk in objects["api"].items():
        prefix = {"community-needs-assessment": "needs-assessments", "community-asset": "assets",
                  "community-harm-site": "harm-sites", "community-plan": "plans",
                  "community-collective-action": "collective-actions",
                  "community-partnership": "partnerships"}[basename]
        assert client.get(f"/api/v1/community/{prefix}/{pk}/", **outsider).status_code == 404
        assert client.get(f"/api/v1/community/{prefix}/", **outsider).json()["results"] == []
        mine = client.get(f"/api/v1/community/{prefix}/", **_headers(base.finance_officer)).json()["results"]
        assert [x["id"] for x in mine] == [pk]


def test_an_assessment_with_its_problems_and_informants_through_the_api(client, base):
    body = {"center": base.center.pk, "title": "نیازسنجی", "neighbourhood": "زینبیه", "assessed_on": "2025-04-01",
            "problems": [{"problem": "اعتیاد", "category": "addiction", "priority_rank": 1}],
            "informants": [{"name": "آقای کریمی", "role": "شورایار"}]}
    response = client.post("/api/v1/community/needs-assessments/", body, content_type="application/json",
                           **_headers(base.vice_chair))
    assert response.status_code == 201, response.json()
    assert response.json()["problems"][0]["priority_rank"] == 1
    refused = client.post("/api/v1/community/needs-assessments/", {**body, "informants": []},
                          content_type="application/json", **_headers(base.vice_chair))
    assert refused.status_code == 400
