"""The report runs API: the same access as the pages; a run the caller may not see is a 404."""

import pytest
from rest_framework.authtoken.models import Token

from centers.models import BoardRole
from reporting import runs
from reporting.models import ReportRun
from reporting.periods import Period
from reporting.scope import Scope

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

LAST_YEAR = str(Period.last_ended("year"))


def _headers(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def test_trustee_asks_retries_and_downloads_through_the_api(client, world, flaky_annual,
                                                             django_capture_on_commit_callbacks):
    center = world.center()
    headers = _headers(world.trustee(center, BoardRole.FINANCE_OFFICER))
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post("/api/v1/reports/runs/", {"kind": "annual", "scope": f"center:{center.pk}",
                                                     "period": LAST_YEAR}, **headers)
    assert made.status_code == 201, made.content
    run = made.json()
    assert run["scope"] == f"center:{center.pk}" and run["period"] == LAST_YEAR
    failed = client.get(f"/api/v1/reports/runs/{run['id']}/", **headers).json()
    assert failed["status"] == "failed" and failed["error"] and not failed["has_pdf"]
    assert client.get(f"/api/v1/reports/runs/{run['id']}/pdf/", **headers).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        retry = client.post(f"/api/v1/reports/runs/{run['id']}/retry/", **headers)
    assert retry.status_code == 201 and retry.json()["retry_of"] == run["id"]
    done = client.get(f"/api/v1/reports/runs/{retry.json()['id']}/", **headers).json()
    assert done["status"] == "succeeded" and done["has_pdf"] and done["has_excel"]
    pdf = client.get(f"/api/v1/reports/runs/{done['id']}/pdf/", **headers)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).endswith(b"%%EOF\n")
    listed = client.get("/api/v1/reports/runs/?status=succeeded", **headers).json()
    assert [r["id"] for r in listed["results"]] == [done["id"]]


def test_outsider_gets_404_and_bad_requests_get_400(client, world):
    center, other = world.center(), world.center()
    run = runs.run_request(world.trustee(center), "annual", Scope.center(center.pk), LAST_YEAR)
    headers = _headers(world.trustee(other))
    assert client.get("/api/v1/reports/runs/", **headers).json()["results"] == []
    for suffix in ("", "pdf/", "xlsx/"):
        assert client.get(f"/api/v1/reports/runs/{run.pk}/{suffix}", **headers).status_code == 404
    assert client.post(f"/api/v1/reports/runs/{run.pk}/retry/", **headers).status_code == 404
    asked = client.post("/api/v1/reports/runs/", {"kind": "annual", "scope": f"center:{center.pk}",
                                                  "period": LAST_YEAR}, **headers)
    assert asked.status_code == 404
    for bad in ({"scope": "center:99999999999999"}, {"scope": "planet:3"}, {"period": "1404-Q7"},
                {"kind": "quarterly"}):
        body = {"kind": "annual", "scope": f"center:{other.pk}", "period": LAST_YEAR, **bad}
        assert client.post("/api/v1/reports/runs/", body, **headers).status_code == 400, bad
    assert ReportRun.objects.count() == 1
    assert client.get("/api/v1/reports/runs/").status_code == 401
