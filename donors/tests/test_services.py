"""Donor services: validation and normalisation, uniqueness per organisation, consent, search, duplicates,
and merging (everything moves, a trace stays, wrong merges are refused)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_scopes import scope, scopes_disabled

from contributions.models import Contribution
from contributions.services.gifts import contribution_record_cash
from core.digits import to_persian_digits
from donors import services
from donors.models import Donor, DonorLink, DonorMerge

from .conftest import YESTERDAY, a_national_code

pytestmark = pytest.mark.django_db


def _donor(center, **extra):
    extra.setdefault("first_name", "علی")
    extra.setdefault("last_name", "رضایی")
    return services.donor_create(center=center, **extra)


def test_persian_digits_are_accepted_and_stored_normalised(in_scope, center):
    code = a_national_code()
    donor = _donor(center, national_code=to_persian_digits(code), mobile="۰۹۱۲ ۱۲۳ ۴۵۶۷", postal_code="۸۱۴۶۸-۳۳۱۱۱",
                   first_name="علي", last_name="  كريمي ")
    donor.refresh_from_db()
    assert (donor.national_code, donor.mobile, donor.postal_code) == (code, "09121234567", "8146833111")
    assert (donor.first_name, donor.last_name) == ("علی", "کریمی")  # Arabic letter forms become Persian
    assert DonorLink.objects.filter(center=center, donor=donor, source="registered").exists()


@pytest.mark.parametrize(("fields", "code"), [
    ({"national_code": "0012345678"}, "invalid_checksum"),
    ({"mobile": "0812345678"}, "invalid_format"),
    ({"first_name": "", "last_name": ""}, "name_required"),
    ({"legal_name": "شرکت نمونه"}, "person_legal"),
    ({"contact_by_sms": True, "mobile": "09121234567"}, "consent_required"),
    ({"kind": "legal", "legal_name": "شرکت", "national_code": "0012345679"}, "legal_person"),
])
def test_bad_input_is_refused_and_nothing_is_stored(in_scope, center, fields, code):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        _donor(center, **fields)
    assert caught.value.code == code
    assert not services.donors_of(center).exists()


def test_a_legal_entity_needs_a_valid_eleven_digit_id(in_scope, center):
    with pytest.raises(ValidationError) as caught:
        services.donor_create(center=center, kind="legal", legal_name="شرکت نمونه", legal_entity_id="10101234560")
    assert caught.value.code in {"invalid_checksum"}
    from core.validators import legal_entity_check_digit

    good = "1010123456" + str(legal_entity_check_digit("1010123456"))
    donor = services.donor_create(center=center, kind="legal", legal_name="شرکت نمونه",
                                  legal_entity_id=to_persian_digits(good))
    assert donor.legal_entity_id == good and donor.display_name == "شرکت نمونه"


def test_a_known_national_code_links_the_existing_donor_instead_of_failing(in_scope, center, other_center):
    code = a_national_code()
    first = _donor(center, national_code=code, mobile="09121234567")
    assert first.linked_existing is False
    again = _donor(other_center, national_code=code, first_name="نام دیگر")
    assert again.pk == first.pk and again.linked_existing is True
    assert again.first_name == "علی"  # the other center's typing does not overwrite the donor
    assert set(DonorLink.objects.filter(donor=first).values_list("center_id", flat=True)) == {center.pk,
                                                                                             other_center.pk}
    with pytest.raises(ValidationError) as caught:
        _donor(center, national_code=code)
    assert caught.value.code == "duplicate_identity"
    assert Donor.objects.filter(national_code=code).count() == 1


def test_national_codes_are_unique_per_organisation_not_across(in_scope, center, welfare_center):
    code = a_national_code()
    relief_donor = _donor(center, national_code=code)
    welfare_donor = _donor(welfare_center, national_code=code)
    assert relief_donor.pk != welfare_donor.pk
    assert welfare_donor.organization_id == welfare_center.organization_id


def test_editing_to_another_donors_national_code_is_refused(in_scope, center):
    code = a_national_code()
    _donor(center, national_code=code)
    other = _donor(center, first_name="مریم", last_name="حسینی")
    with pytest.raises(ValidationError) as caught:
        services.donor_update(center=center, donor=other, national_code=code)
    assert caught.value.code == "duplicate_identity"


def test_consent_sets_the_time_and_withdrawal_clears_it_and_the_channels(in_scope, center):
    donor = _donor(center, mobile="09121234567", consent=True, contact_by_sms=True)
    assert donor.consent_at is not None and donor.contact_by_sms
    donor = services.donor_update(center=center, donor=donor, consent=False)
    donor.refresh_from_db()
    assert donor.consent_at is None and not donor.contact_by_sms
    donor = services.donor_update(center=center, donor=donor, consent=True, contact_by_sms=True)
    assert donor.consent_at is not None and donor.contact_by_sms


def test_find_by_mobile_national_code_or_name_in_any_digits(in_scope, center, other_center):
    code = a_national_code()
    donor = _donor(center, national_code=code, mobile="09121234567", first_name="زهرا", last_name="موسوی")
    _donor(center, first_name="مریم", last_name="حسینی", mobile="09351112233")
    _donor(other_center, first_name="زهرا", last_name="موسوی", mobile="09121234567")  # not this center's
    for query in ("۰۹۱۲۱۲۳۴۵۶۷", "+98 912 123 4567", "4567", to_persian_digits(code), "زهرا", "موسوي", "زهرا موسوی"):
        assert list(services.donor_find(center, query)) == [donor], query
    assert not services.donor_find(center, "12").exists()  # too short to mean anything
    assert not services.donor_find(center, "ناشناس").exists()


def test_duplicate_candidates_group_same_mobile_and_same_normalised_name(in_scope, center):
    a = _donor(center, national_code=a_national_code(), mobile="09121234567")
    b = _donor(center, first_name="علي", last_name="رضائي")  # the same name typed on an Arabic keyboard
    c = _donor(center, first_name="مریم", last_name="حسینی", mobile="09121234567")
    _donor(center, first_name="حسن", last_name="قاسمی")
    groups = {(g.reason, tuple(d.pk for d in g.donors)) for g in services.duplicate_candidates(center)}
    assert groups == {("name", (a.pk, b.pk)), ("mobile", (a.pk, c.pk))}
    assert services.duplicate_candidates(center.organization)  # the organisation-wide view finds them too


def test_merge_moves_every_gift_and_link_and_leaves_a_trace(in_scope, center, other_center, world):
    user = world.user()
    code = a_national_code()
    survivor = _donor(center, national_code=code)
    merged = _donor(center, first_name="علي", last_name="رضائي", mobile="09121234567", email="ali@example.org",
                    consent=True, contact_by_sms=True)
    DonorLink.objects.create(center=other_center, donor=merged)
    for donor, amount in ((survivor, 1_000_000), (merged, 2_000_000), (merged, 3_000_000)):
        contribution_record_cash(center=center, purpose="general", amount=amount, received_on=YESTERDAY,
                                 donor=donor)
    contribution_record_cash(center=other_center, purpose="zakat", amount=500_000, received_on=YESTERDAY,
                             donor=merged)

    merge = services.donor_merge(survivor=survivor, merged=merged, user=user, reason="یک نفرند", center=center)

    assert Contribution.objects.filter(donor=merged).count() == 0
    assert Contribution.objects.filter(donor=survivor).count() == 4
    assert merge.moved == {"contributions.Contribution": 3, "donors.DonorLink": 1}
    assert (merge.survivor, merge.merged, merge.merged_by, merge.reason) == (survivor, merged, user, "یک نفرند")
    merged.refresh_from_db()
    survivor.refresh_from_db()
    assert merged.merged_into == survivor
    assert (survivor.national_code, survivor.mobile, survivor.email) == (code, "09121234567", "ali@example.org")
    assert survivor.consent_at is not None and survivor.contact_by_sms  # came with the merged donor's consent
    assert DonorLink.objects.filter(donor=survivor, center=other_center).exists()
    # The merged donor is gone from lists and searches, but nothing was deleted.
    assert list(services.donors_of(center)) == [survivor]
    assert list(services.donor_find(center, "09121234567")) == [survivor]
    assert Donor._base_manager.filter(pk=merged.pk).exists()
    with scopes_disabled():
        assert DonorMerge.objects.count() == 1


def test_a_merge_is_refused_across_organisations_into_itself_or_into_a_merged_donor(in_scope, center,
                                                                                     welfare_center):
    a = _donor(center)
    b = _donor(center, first_name="مریم")
    foreign = _donor(welfare_center)
    contribution_record_cash(center=welfare_center, purpose="general", amount=1000, received_on=YESTERDAY,
                             donor=foreign)
    codes = []
    for survivor, merged in ((a, foreign), (a, a)):
        with pytest.raises(ValidationError) as caught:
            services.donor_merge(survivor=survivor, merged=merged, reason="x")
        codes.append(caught.value.code)
    assert codes == ["merge_organization", "merge_self"]
    assert Contribution.objects.filter(donor=foreign).count() == 1
    services.donor_merge(survivor=a, merged=b)
    c = _donor(center, first_name="زینب")
    with pytest.raises(ValidationError) as caught:
        services.donor_merge(survivor=b, merged=c)
    assert caught.value.code == "merge_into_merged"
    with pytest.raises(ValidationError) as caught:
        services.donor_merge(survivor=c, merged=b)
    assert caught.value.code == "already_merged"


def test_two_different_national_codes_are_two_people_not_a_duplicate(in_scope, center):
    a = _donor(center, national_code=a_national_code(), mobile="09121234567")
    b = _donor(center, national_code=a_national_code(), mobile="09121234567")
    with pytest.raises(ValidationError) as caught:
        services.donor_merge(survivor=a, merged=b)
    assert caught.value.code == "merge_identity"
    assert b.merged_into_id is None


def test_a_merge_at_a_center_needs_both_donors_linked_there(in_scope, center, other_center):
    a = _donor(center)
    b = _donor(other_center, first_name="مریم")
    with pytest.raises(ValidationError) as caught:
        services.donor_merge(survivor=a, merged=b, center=center)
    assert caught.value.code == "donor_not_linked"


def test_the_merge_scan_covers_every_foreign_key_to_donor():
    """A model added later with a foreign key to Donor (a pledge, a receipt) is moved without a change."""
    import pghistory.models
    from django.apps import apps

    expected = {(m._meta.label, f.name) for m in apps.get_models() for f in m._meta.concrete_fields
                if f.is_relation and f.related_model is Donor and m not in (Donor, DonorMerge)
                and not issubclass(m, pghistory.models.Event)}
    found = {(m._meta.label, f.name) for m, f in services._donor_foreign_keys()}
    assert expected <= found
    assert ("contributions.Contribution", "donor") in found


def test_services_need_an_open_scope_for_reads(center):
    with pytest.raises(Exception):  # noqa: B017 - django-scopes raises ScopeError
        list(services.donors_of(center))
    with scope(center=[center.pk]):
        assert list(services.donors_of(center)) == []
