"""Pages and API of a base: who sees and does what (a permission matrix like the centers'), outsiders 404."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from bases.models import ActivityReport, BaseAgreement
from conftest import login

pytestmark = pytest.mark.django_db

ACTORS = ["chair", "vice_chair", "finance_officer", "outsider", "county_supervisor", "relief_supervisor",
          "foreign_supervisor", "anonymous"]


def _client(client, bw, who):
    user = getattr(bw, who)
    if user is not None:
        login(client, user)
    return client


def _check(response, expected, success=200):
    if expected == "ok":
        assert response.status_code == success, response.content[:300]
    elif expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected


def _kw(bw, **extra):
    return {"center_slug": bw.base.slug, **extra}


VIEW = {"chair": "ok", "vice_chair": "ok", "finance_officer": "ok", "outsider": 404, "county_supervisor": "ok",
        "relief_supervisor": 404, "foreign_supervisor": 404, "anonymous": "login"}


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("page", ["base-home", "agreement-detail", "agreement-score"])
def test_matrix_view_pages(client, bw, who, page):
    kwargs = _kw(bw) if page == "base-home" else _kw(bw, agreement_id=bw.agreement.pk)
    response = _client(client, bw, who).get(reverse(f"bases:{page}", kwargs=kwargs))
    _check(response, VIEW[who])
    if VIEW[who] == "ok":
        body = response.content.decode()
        assert bw.base.name in body
        if page == "base-home":
            assert bw.ngo.name in body


REPORT = {"chair": "ok", "vice_chair": "ok", "finance_officer": 403, "outsider": 404, "county_supervisor": "ok",
          "relief_supervisor": 404, "foreign_supervisor": 404, "anonymous": "login"}


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_record_a_report(client, bw, who):
    with scopes_disabled():
        commitment = bw.agreement.commitments.first()
    url = reverse("bases:report-new", kwargs=_kw(bw, agreement_id=bw.agreement.pk))
    response = _client(client, bw, who).post(url, {
        "commitment": commitment.pk, "reported_on": "", "achieved": "۳", "people_reached": "۲۰",
        "description": "کارگاه مهارت‌های زندگی"} | {"reported_on": _jalali(bw.agreement.starts_on)})
    _check(response, REPORT[who], success=302)
    with scopes_disabled():
        stored = ActivityReport.objects.filter(commitment=commitment).count()
    assert stored == (1 if REPORT[who] == "ok" else 0)


def _jalali(date):
    from core.jalali import format_jalali

    return format_jalali(date, persian_digits=True)


def test_a_bad_report_is_a_form_error_not_a_500(client, bw):
    with scopes_disabled():
        commitment = bw.agreement.commitments.first()
    login(client, bw.chair)
    url = reverse("bases:report-new", kwargs=_kw(bw, agreement_id=bw.agreement.pk))
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client.post(url, {"commitment": commitment.pk, "reported_on": _jalali(tomorrow), "achieved": "abc",
                                 "people_reached": "-1", "description": ""})
    assert response.status_code == 200
    response = client.post(url, {"commitment": commitment.pk, "reported_on": _jalali(tomorrow), "achieved": "2",
                                 "people_reached": "0", "description": "کار"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()  # the service's refusal, shown on the form
    with scopes_disabled():
        assert not ActivityReport.objects.filter(commitment=commitment).exists()


def test_a_charity_center_has_no_base_pages(client, world, bw):
    client.cookies["django_language"] = "en"  # the page in English, as the assertions read it
    center = world.center()
    user = world.trustee(center)
    login(client, user)
    home = client.get(reverse("bases:base-home", kwargs={"center_slug": center.slug}))
    assert home.status_code == 200 and "not a social-health base" in home.content.decode()
    foreign = client.get(reverse("bases:agreement-detail", kwargs={"center_slug": center.slug,
                                                                   "agreement_id": bw.agreement.pk}))
    assert foreign.status_code == 404


def test_the_agreement_of_another_base_is_404_inside_my_base(client, bw, world):
    from bases.tests import helpers
    from centers.models import Center

    other = world.center(organization=world.welfare, kind=Center.Kind.SOCIAL_HEALTH_BASE)
    with scopes_disabled():
        theirs = helpers.agreement(other, bw.ngo, user=bw.chair)
    login(client, bw.chair)
    response = client.get(reverse("bases:agreement-detail", kwargs=_kw(bw, agreement_id=theirs.pk)))
    assert response.status_code == 404


# --- API ---------------------------------------------------------------------------------------------------

def _api(client, bw, who):
    user = getattr(bw, who)
    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=user).key}"
    return headers


CREATE = {"chair": 403, "vice_chair": 403, "finance_officer": 403, "outsider": 404, "county_supervisor": 201,
          "relief_supervisor": 404, "foreign_supervisor": 404, "anonymous": 401}


@pytest.mark.parametrize("who", ACTORS)
def test_api_matrix_conclude_an_agreement(client, bw, who):
    body = {"center": bw.base.pk, "jalali_year": bw.agreement.jalali_year + 1, "budget": 900_000_000,
            "commitments": [{"activity": "education", "description": "کارگاه", "target": 12, "unit": "کارگاه"}]}
    response = client.post("/api/v1/base-agreements/", body, content_type="application/json", **_api(client, bw, who))
    assert response.status_code == CREATE[who], response.content[:300]
    with scopes_disabled():
        assert BaseAgreement.objects.filter(center=bw.base).count() == (2 if CREATE[who] == 201 else 1)


def test_api_renewal_refusal_is_a_clear_400(client, bw):
    client.cookies["django_language"] = "en"  # the refusal in English, as the assertions read it
    response = client.post(f"/api/v1/base-agreements/{bw.agreement.pk}/renew/", {}, content_type="application/json",
                           **_api(client, bw, "county_supervisor"))
    assert response.status_code == 400
    assert "before the prevention deputy approves" in str(response.json())


def test_api_score_and_reports(client, bw):
    headers = _api(client, bw, "chair")
    with scopes_disabled():
        commitment = bw.agreement.commitments.first()
    created = client.post("/api/v1/base-activity-reports/", {
        "commitment": commitment.pk, "reported_on": bw.agreement.starts_on.isoformat(), "achieved": commitment.target,
        "description": "انجام شد"}, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    score = client.get(f"/api/v1/base-agreements/{bw.agreement.pk}/score/", **headers).json()
    met = [row for row in score["rows"] if row["commitment_id"] == commitment.pk]
    assert met[0]["met"] is True and score["score"] > 0
    ngos = client.get("/api/v1/ngos/", **headers).json()["results"]
    assert [n["id"] for n in ngos] == [bw.ngo.pk]
    assert client.get("/api/v1/ngos/", **_api(client, bw, "outsider")).json()["results"] == []
