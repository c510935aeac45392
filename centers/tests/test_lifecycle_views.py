"""Lifecycle pages, API and admin actions, with the permission matrix of every lifecycle action."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from centers.models import CORE_ROLES, BoardRole, Center, CenterTransition
from conftest import login
from core.validators import iban_from_bban

pytestmark = pytest.mark.django_db
S = Center.Status
ACTORS = ["chair", "vice_chair", "finance_officer", "volunteer", "county_supervisor", "foreign_supervisor",
          "anonymous"]


@pytest.fixture
def setup(world):
    center = world.center(status=S.APPLICATION)
    people = {}
    for role in CORE_ROLES:
        people[str(role)] = world.trustee(center, role)
    people["volunteer"] = world.user()
    people["county_supervisor"] = world.supervisor(level="county")
    people["foreign_supervisor"] = world.supervisor(level="province",
                                                    province=world.county("تهران", "تهران").province)
    return center, people


def _client(client, people, who):
    if who != "anonymous":
        login(client, people[who])
    return client


def _status(center):
    with scopes_disabled():
        return Center.objects.get(pk=center.pk).status


def _assert_refused(response, who, *, api=False):
    if who == "anonymous":
        if api:
            assert response.status_code == 401
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
    elif who in ("volunteer", "foreign_supervisor"):
        assert response.status_code == 404
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_view_profile_and_license(client, setup, who):
    center, people = setup
    for name in ("centers:center-profile", "centers:center-license"):
        response = _client(client, people, who).get(reverse(name, kwargs={"center_slug": center.slug}))
        if who in ("chair", "vice_chair", "finance_officer", "county_supervisor"):
            assert response.status_code == 200
            assert center.name in response.content.decode()
        else:
            _assert_refused(response, who)


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_edit_profile(client, setup, who):
    center, people = setup
    url = reverse("centers:center-profile-edit", kwargs={"center_slug": center.slug})
    response = _client(client, people, who).post(url, {"host_place": "school", "address": "خیابان چهارباغ"})
    with scopes_disabled():
        address = Center.objects.get(pk=center.pk).address
    if who in ("chair", "vice_chair", "county_supervisor"):
        assert response.status_code == 302
        assert response["Location"] == reverse("centers:center-profile", kwargs={"center_slug": center.slug})
        assert address == "خیابان چهارباغ"
    else:
        _assert_refused(response, who)
        assert address == ""


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_apply_for_license(client, setup, who):
    center, people = setup
    url = reverse("centers:center-license-apply", kwargs={"center_slug": center.slug})
    response = _client(client, people, who).post(url)
    if who in ("chair", "county_supervisor"):
        assert response.status_code == 302
        assert _status(center) == S.REVIEW
    else:
        _assert_refused(response, who)
        assert _status(center) == S.APPLICATION


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_supervise_license_suspend_revoke(client, setup, who):
    center, people = setup
    with scopes_disabled():
        Center.objects.filter(pk=center.pk).update(status=S.REVIEW)
    headers = {}
    if who != "anonymous":
        login(client, people[who])
    url = f"/api/v1/center-lifecycle/{center.pk}/transition/"
    expected = S.REVIEW
    for body, target in (({"transition": "license", "years": 2}, S.LICENSED),
                         ({"transition": "suspend", "reason": "گزارش بازرسی"}, S.SUSPENDED),
                         ({"transition": "revoke", "reason": "تخلف مالی"}, S.REVOKED)):
        response = client.post(url, body, content_type="application/json", **headers)
        if who == "county_supervisor":
            assert response.status_code == 200, response.content
            assert response.json()["status"] == target
            expected = target
        else:
            _assert_refused(response, who, api=True)
        assert _status(center) == expected


def test_chair_sees_the_apply_button_and_an_incomplete_board_is_explained(client, world):
    center = world.center(status=S.APPLICATION)
    chair = world.trustee(center, BoardRole.CHAIR)
    login(client, chair)
    page = client.get(reverse("centers:center-license", kwargs={"center_slug": center.slug})).content.decode()
    assert reverse("centers:center-license-apply", kwargs={"center_slug": center.slug}) in page
    response = client.post(reverse("centers:center-license-apply", kwargs={"center_slug": center.slug}))
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert _status(center) == S.APPLICATION


def test_profile_form_shows_errors_and_the_overlap_warning(client, world):
    square = '{"type": "Polygon", "coordinates": [[[51.66, 32.65], [51.68, 32.65], [51.68, 32.67], [51.66, 32.65]]]}'
    world.center(name="مرکز همسایه", activity_area={"type": "Polygon", "coordinates": [
        [[51.67, 32.64], [51.69, 32.64], [51.69, 32.66], [51.67, 32.64]]]})
    center = world.center()
    chair = world.trustee(center, BoardRole.CHAIR)
    login(client, chair)
    url = reverse("centers:center-profile-edit", kwargs={"center_slug": center.slug})
    bad = client.post(url, {"host_place": "mosque", "iban": iban_from_bban("017" + "2" * 19),
                            "activity_area": "[1, 2"})
    assert bad.status_code == 200
    assert bad.context["form"].errors.keys() == {"iban", "activity_area"}
    good = client.post(url, {"host_place": "mosque", "iban": iban_from_bban("065" + "2" * 19),
                             "activity_area": square}, follow=True)
    assert good.status_code == 200
    assert "مرکز همسایه" in good.content.decode()


def test_api_lists_licenses_and_history_and_refuses_an_illegal_change_with_400(client, world):
    center = world.center(status=S.REVIEW)
    supervisor = world.supervisor(level="county")
    token = Token.objects.create(user=supervisor).key
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    url = f"/api/v1/center-lifecycle/{center.pk}/transition/"
    assert client.post(url, {"transition": "license", "years": 1}, content_type="application/json",
                       **headers).status_code == 200
    refused = client.post(url, {"transition": "reinstate"}, content_type="application/json", **headers)
    assert refused.status_code == 400
    assert _status(center) == S.LICENSED
    licenses = client.get("/api/v1/licenses/", **headers).json()["results"]
    assert [(item["center"], item["kind"]) for item in licenses] == [(center.pk, "issue")]
    history = client.get(f"/api/v1/center-transitions/?center={center.pk}", **headers).json()["results"]
    assert [item["name"] for item in history] == ["license"]
    state = client.get(f"/api/v1/center-lifecycle/{center.pk}/", **headers).json()
    assert state["can_operate"] is True
    assert set(state["allowed_transitions"]) == {"renew", "suspend", "revoke", "dissolve"}


def _admin_action(client, center, action, **fields):
    return client.post(reverse("admin:centers_center_changelist"), {
        "action": action, "_selected_action": [center.pk], "apply": "1", **fields}, follow=True)


def test_admin_action_suspends_with_a_reason_and_refuses_without_one(client, world):
    center = world.center(status=S.LICENSED)
    login(client, world.supervisor(level="county"))
    confirm = client.post(reverse("admin:centers_center_changelist"),
                          {"action": "lifecycle_suspend", "_selected_action": [center.pk]})
    assert confirm.status_code == 200 and "reason" in confirm.content.decode()
    _admin_action(client, center, "lifecycle_suspend", reason="")
    assert _status(center) == S.LICENSED
    _admin_action(client, center, "lifecycle_suspend", reason="گزارش نظارت میدانی")
    assert _status(center) == S.SUSPENDED
    with scopes_disabled():
        record = CenterTransition.objects.get(center=center)
    assert (record.name, record.reason) == ("suspend", "گزارش نظارت میدانی")


def test_admin_action_of_a_supervisor_of_another_region_changes_nothing(client, world):
    center = world.center(status=S.LICENSED)
    login(client, world.supervisor(level="province", province=world.county("تهران", "تهران").province))
    _admin_action(client, center, "lifecycle_revoke", reason="x")
    assert _status(center) == S.LICENSED
