import json
from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from centers.models import CORE_ROLES, Center, SupervisorAssignment, TrusteeAppointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    return json.loads((tmp_path / "demo-users.json").read_text(encoding="utf-8"))


def _counts():
    with scopes_disabled():
        return (Center.objects.count(), TrusteeAppointment.objects.count(), SupervisorAssignment.objects.count())


def test_demo_province_has_centers_of_both_organisations_with_full_boards(demo):
    with scopes_disabled():
        centers = list(Center.objects.select_related("organization", "county__province"))
        assert len(centers) >= 12
        assert {c.organization.code for c in centers} == {"relief_committee", "welfare"}
        assert len({c.county_id for c in centers}) >= 3
        assert {c.county.province.name for c in centers} == {"اصفهان"}
        for center in centers:
            roles = set(center.appointments.filter(status="active").values_list("role", flat=True))
            assert set(CORE_ROLES) <= roles, center.slug
    levels = set(SupervisorAssignment.objects.values_list("level", flat=True))
    assert {"county", "province"} <= levels


def test_demo_logins_file_lists_every_login_that_works(demo, client):
    for entry in demo:
        assert {"username", "password", "role"} <= set(entry)
        assert ("center_slug" in entry) != ("region" in entry)
    trustee = next(e for e in demo if e["role"] == "vice_chair")
    response = client.post("/accounts/login/", {"username": trustee["username"], "password": trustee["password"]})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert all("totp_secret" in e for e in demo if "region" in e)


def test_seed_demo_is_idempotent(demo, settings):
    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before
    assert json.loads((settings.DATA_DIR / "demo-users.json").read_text(encoding="utf-8")) == demo


def test_seed_demo_refuses_production_settings(settings):
    from django.core.management.base import CommandError

    settings.HTTPS = True
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
