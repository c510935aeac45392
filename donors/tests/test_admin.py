"""Supervisors' admin for donors: a supervisor sees the donors of the centers in their region only, and
can merge two selected donors (with a reason) through the service."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from conftest import login
from core.digits import to_persian_digits
from donors import services
from donors.models import Donor, DonorMerge

from .conftest import a_national_code

pytestmark = pytest.mark.django_db


def _make(center, **fields):
    with scope(center=[center.pk]):
        fields.setdefault("first_name", "علی")
        return services.donor_create(center=center, **fields)


def test_supervisor_sees_only_the_donors_of_their_region(client, world, center):
    tehran = world.center(county=world.county("تهران", "تهران"))
    _make(center, last_name="اصفهانی‌نما", national_code=a_national_code())
    with scopes_disabled():
        from contributions.tests.conftest import license_center

        license_center(tehran)
    _make(tehran, last_name="تهرانی‌نما")
    login(client, world.supervisor(level="province"))  # Isfahan
    page = client.get(reverse("admin:donors_donor_changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "اصفهانی‌نما" in body and "تهرانی‌نما" not in body
    with scopes_disabled():
        code = Donor.objects.get(last_name="اصفهانی‌نما").national_code
    found = client.get(reverse("admin:donors_donor_changelist"), {"q": to_persian_digits(code)})
    assert "اصفهانی‌نما" in found.content.decode()


def test_supervisor_merges_two_selected_donors_with_a_reason(client, world, center):
    kept = _make(center, last_name="رضایی", national_code=a_national_code())
    dup = _make(center, last_name="رضائی", mobile="09121234567")
    supervisor = world.supervisor(level="province")
    login(client, supervisor)
    url = reverse("admin:donors_donor_changelist")
    data = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [kept.pk, dup.pk]}
    asked = client.post(url, data)
    assert asked.status_code == 200 and "form" in asked.context
    done = client.post(url, {**data, "apply": "1", "survivor": kept.pk, "reason": "یک نفرند"})
    assert done.status_code == 302
    with scopes_disabled():
        assert Donor.objects.get(pk=dup.pk).merged_into_id == kept.pk
        merge = DonorMerge.objects.get()
    assert (merge.merged_by, merge.reason) == (supervisor, "یک نفرند")
    assert client.get(reverse("admin:donors_donormerge_changelist")).status_code == 200


def test_supervisor_reads_the_imports_of_their_region(client, world, center):
    from donors.models import ImportRun

    with scopes_disabled():
        run = ImportRun.objects.create(center=center, kind="donors", upload=b"", filename="list.xlsx",
                                       status="rejected", bad_rows=[[3, ["کد ملی نادرست"]]])
    login(client, world.supervisor(level="province"))
    assert "list.xlsx" in client.get(reverse("admin:donors_importrun_changelist")).content.decode()
    assert client.get(reverse("admin:donors_importrun_change", args=[run.pk])).status_code == 200
