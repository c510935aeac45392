"""Donor pages: a center sees only its linked donors, an outsider gets 404, registering accepts Persian
digits, the lookup answers the gift form, and the duplicates page merges (for MANAGE_DONORS only)."""

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from centers.models import BoardRole
from conftest import login
from core.digits import to_persian_digits
from donors import services
from donors.models import Donor, DonorLink, DonorMerge

from .conftest import a_national_code

pytestmark = pytest.mark.django_db


def _make(center, **fields):
    with scope(center=[center.pk]):
        fields.setdefault("first_name", "علی")
        fields.setdefault("last_name", "رضایی")
        return services.donor_create(center=center, **fields)


def test_list_shows_only_the_centers_donors_and_searches(client, center, other_center, chair):
    mine = _make(center, mobile="09121234567", last_name="خودی‌نما")
    _make(other_center, last_name="بیگانه‌نما", mobile="09351234567")
    login(client, chair)
    url = reverse("donors:donor-list", kwargs={"center_slug": center.slug})
    body = client.get(url).content.decode()
    assert "خودی‌نما" in body and "بیگانه‌نما" not in body
    assert "خودی‌نما" in client.get(url, {"q": "۰۹۱۲۱۲۳۴۵۶۷"}).content.decode()
    assert "خودی‌نما" not in client.get(url, {"q": "09350000000"}).content.decode()
    assert client.get(reverse("donors:donor-detail", kwargs={"center_slug": center.slug, "donor_id": mine.pk})
                      ).status_code == 200


def test_a_donor_not_linked_to_the_center_is_404_even_in_the_same_organisation(client, center, other_center, chair):
    theirs = _make(other_center)
    login(client, chair)
    for name in ("donors:donor-detail", "donors:donor-edit"):
        url = reverse(name, kwargs={"center_slug": center.slug, "donor_id": theirs.pk})
        assert client.get(url).status_code == 404


def test_outsider_gets_404_on_every_donor_page(client, world, center, other_center):
    donor = _make(center)
    outsider = world.trustee(other_center, BoardRole.CHAIR)
    login(client, outsider)
    slug = {"center_slug": center.slug}
    for name, kwargs in (("donors:donor-list", slug), ("donors:donor-new", slug), ("donors:donor-lookup", slug),
                         ("donors:donor-duplicates", slug), ("donors:donor-import", slug),
                         ("donors:donor-export", slug), ("donors:contribution-import", slug),
                         ("donors:contribution-export", slug),
                         ("donors:donor-detail", {**slug, "donor_id": donor.pk}),
                         ("donors:donor-edit", {**slug, "donor_id": donor.pk})):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name


def test_register_with_persian_digits_then_a_known_code_links_with_a_message(client, world, center, other_center,
                                                                              chair):
    code = a_national_code()
    login(client, chair)
    url = reverse("donors:donor-new", kwargs={"center_slug": center.slug})
    response = client.post(url, {"kind": "person", "first_name": "زهرا", "last_name": "موسوی",
                                 "national_code": to_persian_digits(code), "mobile": "۰۹۱۲۱۲۳۴۵۶۷"})
    assert response.status_code == 302
    with scopes_disabled():
        donor = Donor.objects.get(national_code=code)
    assert donor.mobile == "09121234567"
    # The same code typed at another center of the organisation links the donor there.
    other_chair = world.trustee(other_center, BoardRole.CHAIR)
    login(client, other_chair)
    with translation.override("en"):
        response = client.post(reverse("donors:donor-new", kwargs={"center_slug": other_center.slug}),
                               {"kind": "person", "first_name": "ز", "national_code": code}, follow=True,
                               HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    with scopes_disabled():
        assert DonorLink.objects.filter(center=other_center, donor=donor).exists()
        assert Donor.objects.filter(national_code=code).count() == 1


def test_a_bad_national_code_is_a_form_error_not_a_500(client, center, chair):
    login(client, chair)
    response = client.post(reverse("donors:donor-new", kwargs={"center_slug": center.slug}),
                           {"kind": "person", "first_name": "علی", "national_code": "۰۰۱۲۳۴۵۶۷۸"})
    assert response.status_code == 200
    assert response.context["form"].errors
    with scopes_disabled():
        assert not Donor.objects.exists()


def test_edit_withdraws_consent(client, center, chair):
    donor = _make(center, mobile="09121234567", consent=True, contact_by_sms=True)
    login(client, chair)
    url = reverse("donors:donor-edit", kwargs={"center_slug": center.slug, "donor_id": donor.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "person", "first_name": "علی", "last_name": "رضایی",
                                 "mobile": "09121234567"})
    assert response.status_code == 302
    donor.refresh_from_db()
    assert donor.consent_at is None and not donor.contact_by_sms


def test_lookup_returns_at_most_ten_masked_matches(client, center, chair):
    code = a_national_code()
    _make(center, national_code=code, mobile="09121234567", first_name="یکتا")
    for n in range(12):
        _make(center, first_name="محمد", last_name=f"نمونه {n}")
    login(client, chair)
    url = reverse("donors:donor-lookup", kwargs={"center_slug": center.slug})
    found = client.get(url, {"q": to_persian_digits(code)}).json()["results"]
    assert len(found) == 1
    assert found[0]["national_code"] == code[:3] + "****" + code[-3:]
    assert found[0]["mobile"] == "09121234567" and found[0]["name"] == "یکتا رضایی"
    assert code not in client.get(url, {"q": code}).content.decode()
    assert len(client.get(url, {"q": "محمد"}).json()["results"]) == 10
    assert client.get(url).json() == {"results": []}


def test_duplicates_page_merges_and_needs_manage_donors(client, world, center, chair):
    kept = _make(center, national_code=a_national_code(), mobile="09121234567")
    dup = _make(center, first_name="علي", last_name="رضائي", mobile="09121234567")
    url = reverse("donors:donor-duplicates", kwargs={"center_slug": center.slug})
    vice_chair = world.trustee(center, BoardRole.VICE_CHAIR)
    login(client, vice_chair)
    assert client.get(url).status_code == 403
    login(client, chair)
    page = client.get(url)
    assert page.status_code == 200 and len(page.context["groups"]) == 2  # same mobile, same name
    response = client.post(url, {"survivor": kept.pk, "merged": dup.pk, "reason": "همان شخص"})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into_id == kept.pk
    with scopes_disabled():
        assert DonorMerge.objects.get().merged_by == chair
    assert client.get(url).context["groups"] == []
    # The merged donor's page says where they went, and it can no longer be edited.
    detail = client.get(reverse("donors:donor-detail", kwargs={"center_slug": center.slug, "donor_id": dup.pk}))
    assert detail.status_code == 200 and detail.context["donor"].merged_into_id == kept.pk
    assert client.get(reverse("donors:donor-edit", kwargs={"center_slug": center.slug, "donor_id": dup.pk})
                      ).status_code == 404


def test_merging_a_donor_of_another_center_through_the_page_is_404(client, center, other_center, chair):
    kept = _make(center)
    theirs = _make(other_center, first_name="مریم")
    login(client, chair)
    response = client.post(reverse("donors:donor-duplicates", kwargs={"center_slug": center.slug}),
                           {"survivor": kept.pk, "merged": theirs.pk})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.merged_into_id is None
