"""Trustee pages of neighbourhood work: the permission matrix, the outsider's 404, marking a place on the
harm map (a point, an area, and refusals that store nothing), and the map page itself."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from community.models import CollectiveAction, HarmSite, LocalAsset, NeedsAssessment, ParticipatoryPlan
from conftest import login

from .helpers import isolation_objects

pytestmark = pytest.mark.django_db

ACTORS = ["chair", "vice_chair", "social_worker", "finance_officer", "county_supervisor", "relief_supervisor",
          "foreign_supervisor", "other_chair", "anonymous"]
# Reading: every trustee of the base and the welfare supervisors over it; others 404 (not theirs), anonymous login.
READ = {"chair": 200, "vice_chair": 200, "social_worker": 200, "finance_officer": 200, "county_supervisor": 200,
        "relief_supervisor": 404, "foreign_supervisor": 404, "other_chair": 404, "anonymous": "login"}
# Recording: the roles of neighbourhood work and the supervisors; the finance officer may read, not record.
WRITE = {**READ, "finance_officer": 403}

PAGES = ["overview", "needs-list", "asset-list", "harm-map", "harm-map-file", "plan-list", "action-list",
         "partnership-list"]
FORMS = ["needs-new", "asset-new", "harm-new", "plan-new", "action-new", "partnership-new"]


def _as(client, b, who):
    user = getattr(b, who)
    if user is not None:
        login(client, user)
    return client


def _check(response, expected, success=200):
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == (success if expected == 200 else expected), response.content[:300]


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_read_pages(client, base, who):
    c = _as(client, base, who)
    objects = isolation_objects(base.center, base.chair, secret="رکورد آزمایشی")
    for name in PAGES:
        _check(c.get(reverse(f"community:{name}", kwargs={"center_slug": base.center.slug})), READ[who])
    for name, key in (("needs-detail", "assessment_id"), ("plan-detail", "community_plan_id")):
        url = reverse(f"community:{name}", kwargs={"center_slug": base.center.slug, key: objects["url_kwargs"][key]})
        _check(c.get(url), READ[who])


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_record_forms(client, base, who):
    c = _as(client, base, who)
    for name in FORMS:
        _check(c.get(reverse(f"community:{name}", kwargs={"center_slug": base.center.slug})), WRITE[who])


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_mark_a_place_on_the_map(client, base, who):
    url = reverse("community:harm-new", kwargs={"center_slug": base.center.slug})
    response = _as(client, base, who).post(url, {
        "title": "پارک محله", "category": "addiction", "severity": "4", "shape": "point",
        "longitude": "۵۱٫۷۲۱", "latitude": "۳۲٫۷۰۶", "observed_on": "۱۴۰۴/۰۱/۱۰"})
    _check(response, WRITE[who], success=302)
    with scopes_disabled():
        site = HarmSite.objects.filter(center=base.center).first()
    assert (site is not None) == (WRITE[who] == 200)
    if site:
        assert site.geometry == {"type": "Point", "coordinates": [51.721, 32.706]}


def test_an_outsider_gets_404_for_every_record_of_the_base(client, base):
    objects = isolation_objects(base.center, base.chair, secret="رکورد‌محرمانه")
    login(client, base.other_chair)
    slug = base.center.slug
    urls = [reverse(f"community:{n}", kwargs={"center_slug": slug}) for n in PAGES + FORMS]
    ids = objects["url_kwargs"]
    urls += [reverse("community:needs-detail", kwargs={"center_slug": slug, "assessment_id": ids["assessment_id"]}),
             reverse("community:plan-detail",
                     kwargs={"center_slug": slug, "community_plan_id": ids["community_plan_id"]})]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "رکورد‌محرمانه" not in response.content.decode()
    close = reverse("community:harm-close", kwargs={"center_slug": slug, "harm_id": objects["harm_id"]})
    assert client.post(close).status_code == 404
    with scopes_disabled():
        assert HarmSite.objects.get(pk=objects["harm_id"]).active


def test_an_area_is_marked_from_geojson_and_drawn(client, base):
    login(client, base.social_worker)
    url = reverse("community:harm-new", kwargs={"center_slug": base.center.slug})
    polygon = ('{"type": "Polygon", "coordinates": [[[51.718, 32.703], [51.719, 32.703], [51.719, 32.704], '
               '[51.718, 32.703]]]}')
    response = client.post(url, {"title": "بلوک‌های جنوبی", "category": "unemployment", "severity": "3",
                                 "shape": "geojson", "geojson": polygon, "observed_on": "1404/01/10"})
    assert response.status_code == 302
    page = client.get(reverse("community:harm-map", kwargs={"center_slug": base.center.slug}))
    html = page.content.decode()
    assert page.status_code == 200 and '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "بلوک‌های جنوبی" in html and "#2563eb" in html  # the unemployment colour
    svg = client.get(reverse("community:harm-map-file", kwargs={"center_slug": base.center.slug}))
    assert svg["Content-Type"].startswith("image/svg+xml") and b"<svg" in svg.content


@pytest.mark.parametrize(("data", "message"), [
    ({"shape": "point", "longitude": "2.35", "latitude": "48.85"}, "outside Iran"),
    ({"shape": "point", "longitude": "51.72"}, "both the longitude and the latitude"),
    ({"shape": "geojson", "geojson": "{not json"}, "not valid JSON"),
    ({"shape": "geojson", "geojson": '{"type": "Polygon", "coordinates": [[[51.7, 32.7], [51.71, 32.7], '
                                     '[51.71, 32.71], [51.7, 32.72]]]}'}, "closed"),
    ({"shape": "geojson", "geojson": '{"type": "MultiPoint", "coordinates": []}'}, "Point or Polygon"),
    ({"shape": "point", "longitude": "abc", "latitude": "32.7"}, "number"),
])
def test_a_bad_place_is_a_clear_error_and_nothing_is_stored(client, base, data, message):
    login(client, base.chair)
    url = reverse("community:harm-new", kwargs={"center_slug": base.center.slug})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(url, {"title": "محل", "category": "addiction", "severity": "2",
                                 "observed_on": "1404/01/10", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    with scopes_disabled():
        assert not HarmSite.objects.exists()


def test_the_map_page_speaks_persian_with_persian_digits(client, base):
    isolation_objects(base.center, base.chair, secret="پارک")
    login(client, base.chair)
    html = client.get(reverse("community:harm-map", kwargs={"center_slug": base.center.slug})).content.decode()
    svg = html[html.index("<svg"):html.index("</svg>")]
    legend = svg[svg.index('class="legend"'):]
    texts = re.findall(r">([^<]+)</text>", legend)
    assert texts and not any(re.search(r"[0-9]", t) for t in texts), texts
    assert any(re.search(r"[۰-۹]", t) for t in texts)


def test_forms_record_assessment_plan_action_asset(client, base):
    login(client, base.vice_chair)
    slug = base.center.slug
    response = client.post(reverse("community:needs-new", kwargs={"center_slug": slug}), {
        "title": "نیازسنجی", "neighbourhood": "زینبیه", "assessed_on": "۱۴۰۴/۰۱/۱۵",
        "problems-TOTAL_FORMS": "2", "problems-INITIAL_FORMS": "0",
        "problems-0-problem": "اعتیاد", "problems-0-category": "addiction", "problems-0-priority_rank": "۱",
        "problems-1-problem": "", "problems-1-category": "", "problems-1-priority_rank": "",
        "informants-TOTAL_FORMS": "1", "informants-INITIAL_FORMS": "0",
        "informants-0-name": "آقای کریمی", "informants-0-role": "شورایار"})
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        problem = NeedsAssessment.objects.get(center=base.center).problems.get()
    response = client.post(reverse("community:plan-new", kwargs={"center_slug": slug}), {
        "title": "برنامه", "starts_on": "1404/01/20", "ends_on": "1404/12/20", "goals": "پیشگیری",
        "problems": [problem.pk],
        "stakeholders-TOTAL_FORMS": "2", "stakeholders-INITIAL_FORMS": "0",
        "stakeholders-0-name": "ساکنان", "stakeholders-0-kind": "residents",
        "stakeholders-1-name": "شهرداری", "stakeholders-1-kind": "municipality",
        "actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0",
        "actions-0-title": "کارگاه", "actions-0-responsible": "پایگاه", "actions-0-due_on": "1404/03/01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        plan = ParticipatoryPlan.objects.get(center=base.center)
    response = client.post(reverse("community:action-new", kwargs={"center_slug": slug}), {
        "title": "پویش", "plan": plan.pk, "held_on": "1404/02/01", "reach": "۱٬۲۰۰", "participants": "۳۵"})
    assert response.status_code == 302
    response = client.post(reverse("community:asset-new", kwargs={"center_slug": slug}), {
        "kind": "place", "name": "سرای محله", "recorded_on": "1404/02/01"})
    assert response.status_code == 302
    with scopes_disabled():
        assert CollectiveAction.objects.get(center=base.center).reach == 1200
        assert LocalAsset.objects.filter(center=base.center).count() == 1
    detail = client.get(reverse("community:plan-detail", kwargs={"center_slug": slug, "community_plan_id": plan.pk}))
    assert "۱٬۲۰۰" in detail.content.decode()
    # A refused status change is a message, not a 500.
    response = client.post(reverse("community:plan-detail", kwargs={"center_slug": slug, "community_plan_id": plan.pk}),
                           {"plan_status": "closed"}, follow=True)
    assert response.status_code == 200
    with scopes_disabled():
        plan.refresh_from_db()
    assert plan.status == "draft"
    # An action that is not a number, or not this plan's, is a 404, not a 500.
    url = reverse("community:plan-detail", kwargs={"center_slug": slug, "community_plan_id": plan.pk})
    assert client.post(url, {"action": "abc", "status": "done"}).status_code == 404
    assert client.post(url, {"action": "999999", "status": "done"}).status_code == 404
    with scopes_disabled():
        action = plan.actions.get()
    assert client.post(url, {"action": str(action.pk), "status": "done"}).status_code == 302
    with scopes_disabled():
        action.refresh_from_db()
    assert action.status == "done"
