"""The center lifecycle: the state machine, licenses, the operating check, the profile rules and reminders."""

import datetime
import itertools

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from centers import access
from centers.admin.lifecycle import approval_items
from centers.models import CORE_ROLES, BoardRole, Center, CenterTransition, License
from centers.services import lifecycle as services
from centers.tasks.lifecycle import license_expiry_scan
from core.validators import iban_from_bban

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests read the English source of the errors; the Persian ones are checked by the translation test."""
    with translation.override("en"):
        yield
S = Center.Status
TODAY = timezone.localdate()


def full_board(world, center):
    chair = None
    for role in CORE_ROLES:
        user = world.trustee(center, role)
        chair = chair or user
    return chair


def actor(user):
    return access.actor_for(user, second_factor_passed=True)


def licensed_center(world, *, valid_until=None, **extra):
    center = world.center(status=S.LICENSED, **extra)
    with scopes_disabled():
        License.objects.create(center=center, activity_code=f"T-{center.pk}", valid_from=TODAY - datetime.timedelta(
            days=100), valid_until=valid_until or TODAY + datetime.timedelta(days=300))
    return center


def _kwargs(name):
    return {"reason": "گزارش نظارت", "years": 1, "assets": "به مرکز دیگر واگذار شد"} if name != "submit" else {}


ALLOWED = {(src, name) for name, t in services.TRANSITIONS.items() for src in t.sources}


@pytest.mark.parametrize(("status", "name"), sorted(ALLOWED))
def test_every_allowed_transition_changes_the_status_and_leaves_history(world, status, name):
    center = world.center(status=status)
    chair = full_board(world, center)
    who = actor(chair if name == "submit" else world.supervisor(level="county"))
    with scope(center=[center.pk]):
        record = services.center_transition(center=center, name=name, actor=who, **_kwargs(name))
        center.refresh_from_db()
        assert center.status == services.TRANSITIONS[name].target
        assert (record.from_status, record.to_status, record.actor) == (status, center.status, who.user)
        assert CenterTransition.objects.filter(center=center).count() == 1
        if name in ("license", "renew"):
            license = License.objects.get(center=center)
            assert license.activity_code == center.activity_code
            assert license.valid_until == services.jalali_years_later(license.valid_from, 1)
        if name == "dissolve":
            assert record.data["assets"] == "به مرکز دیگر واگذار شد"


@pytest.mark.parametrize(("status", "name"), sorted(
    set(itertools.product(S.values, services.TRANSITIONS)) - ALLOWED))
def test_every_other_transition_is_refused_and_changes_nothing(world, status, name):
    center = world.center(status=status)
    chair = full_board(world, center)
    who = actor(chair if name == "submit" else world.supervisor(level="county"))
    with scope(center=[center.pk]):
        with pytest.raises(ValidationError) as refused:
            services.center_transition(center=center, name=name, actor=who, **_kwargs(name))
        assert "is not possible for a center whose status is" in refused.value.messages[0]
        center.refresh_from_db()
        assert center.status == status and center.activity_code is None
        assert not CenterTransition.objects.filter(center=center).exists()
        assert not License.objects.filter(center=center).exists()


def test_submitting_with_an_empty_core_role_is_refused(world):
    center = world.center(status=S.APPLICATION)
    chair = world.trustee(center, BoardRole.CHAIR)
    with scope(center=[center.pk]), pytest.raises(ValidationError) as refused:
        services.center_transition(center=center, name="submit", actor=actor(chair))
    assert "core roles of the board are empty" in refused.value.messages[0]
    center.refresh_from_db()
    assert center.status == S.APPLICATION


@pytest.mark.parametrize("name", ["suspend", "revoke", "return", "dissolve"])
def test_a_reason_is_required(world, name):
    center = world.center(status=S.REVIEW if name == "return" else S.LICENSED)
    with scope(center=[center.pk]), pytest.raises(ValidationError, match="reason"):
        services.center_transition(center=center, name=name, actor=actor(world.supervisor(level="county")),
                                   reason="  ", assets="x")


def test_dissolving_needs_what_became_of_the_assets(world):
    center = world.center(status=S.REVOKED)
    with scope(center=[center.pk]), pytest.raises(ValidationError, match="assets"):
        services.center_transition(center=center, name="dissolve", actor=actor(world.supervisor(level="county")),
                                   reason="پایان فعالیت")


def test_renewal_continues_the_current_period_and_keeps_the_activity_code(world):
    center = world.center(status=S.REVIEW)
    who = actor(world.supervisor(level="county"))
    with scope(center=[center.pk]):
        services.center_transition(center=center, name="license", actor=who, years=2,
                                   valid_from=datetime.date(2025, 3, 21))  # 1 Farvardin 1404
        first = License.objects.get(center=center)
        assert first.valid_until == datetime.date(2027, 3, 20)  # 29 Esfand 1405
        services.center_transition(center=center, name="renew", actor=who, years=1)
        renewal = License.objects.get(center=center, kind=License.Kind.RENEWAL)
    assert renewal.valid_from == first.valid_until + datetime.timedelta(days=1)
    assert renewal.activity_code == first.activity_code == center.activity_code


def test_activity_codes_are_unique(world):
    centers = [world.center(status=S.REVIEW) for _ in range(3)]
    who = actor(world.supervisor(level="county"))
    codes = set()
    for center in centers:
        with scope(center=[center.pk]):
            services.center_transition(center=center, name="license", actor=who, years=1)
        codes.add(center.activity_code)
    assert len(codes) == 3


def test_a_trustee_cannot_license_their_own_center(world):
    center = world.center(status=S.REVIEW)
    chair = full_board(world, center)
    with scope(center=[center.pk]), pytest.raises(access.PermissionDenied):
        services.center_transition(center=center, name="license", actor=actor(chair), years=1)


def test_history_rows_cannot_be_updated_or_deleted_even_in_sql(world):
    center = world.center(status=S.REVIEW)
    with scope(center=[center.pk]):
        record = services.center_transition(center=center, name="license",
                                            actor=actor(world.supervisor(level="county")), years=1)
        with pytest.raises(DatabaseError), transaction.atomic():
            CenterTransition.objects.filter(pk=record.pk).update(reason="changed")
        with pytest.raises(DatabaseError), transaction.atomic():
            CenterTransition.objects.filter(pk=record.pk).delete()
        assert CenterTransition.objects.get(pk=record.pk).reason == ""


@pytest.mark.parametrize(("status", "message"), [
    (S.APPLICATION, "not licensed"), (S.REVIEW, "not licensed"), (S.SUSPENDED, "suspended"),
    (S.REVOKED, "revoked"), (S.DISSOLVED, "dissolved"),
])
def test_only_a_licensed_center_with_a_current_license_can_operate(world, status, message):
    center = world.center(status=status)
    with scope(center=[center.pk]):
        assert not services.center_can_operate(center)
        with pytest.raises(ValidationError, match=message):
            services.require_center_can_operate(center)


def test_center_with_a_current_license_can_operate_and_not_after_it_expires(world):
    center = licensed_center(world, valid_until=TODAY + datetime.timedelta(days=5))
    with scope(center=[center.pk]):
        assert services.center_can_operate(center)
        services.require_center_can_operate(center)
        later = TODAY + datetime.timedelta(days=6)
        assert not services.center_can_operate(center, on=later)
        with pytest.raises(ValidationError, match="expired"):
            services.require_center_can_operate(center, on=later)


# --- profile -------------------------------------------------------------------------------------------------

GOOD_IBAN = iban_from_bban("065" + "1" * 19)
OTHER_BANK_IBAN = iban_from_bban("017" + "1" * 19)


def test_the_account_must_be_a_valid_sheba_at_the_designated_bank(settings):
    assert services.validate_center_iban(GOOD_IBAN.lower()) == GOOD_IBAN
    with pytest.raises(ValidationError, match="designated bank"):
        services.validate_center_iban(OTHER_BANK_IBAN)
    with pytest.raises(ValidationError):
        services.validate_center_iban(GOOD_IBAN[:-1] + ("0" if GOOD_IBAN[-1] != "0" else "1"))
    settings.CENTER_DESIGNATED_BANK_CODES = ["017"]
    assert services.validate_center_iban(OTHER_BANK_IBAN) == OTHER_BANK_IBAN


def square(lon, lat, d=0.004):
    return {"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d],
                                                [lon - d, lat + d], [lon - d, lat - d]]]}


@pytest.mark.parametrize("bad", [
    None, [], {"type": "Point", "coordinates": [51.6, 32.6]}, {"type": "Polygon"},
    {"type": "Polygon", "coordinates": [[[51.6, 32.6], [51.7, 32.6], [51.6, 32.6]]]},  # too few positions
    {"type": "Polygon", "coordinates": [[[51.6, 32.6], [51.7, 32.6], [51.7, 32.7], [51.6, 32.7]]]},  # open
    {"type": "Polygon", "coordinates": [[[32.6, 51.6], [32.6, 51.7], [32.7, 51.7], [32.6, 51.6]]]},  # lat/lon
    {"type": "Polygon", "coordinates": [[[2.3, 48.8], [2.4, 48.8], [2.4, 48.9], [2.3, 48.8]]]},  # Paris
    {"type": "Polygon", "coordinates": [[["51.6", 32.6], [51.7, 32.6], [51.7, 32.7], ["51.6", 32.6]]]},
    {"type": "Polygon", "coordinates": [[[51.6, 32.6], [51.6, 32.6], [51.6, 32.6], [51.6, 32.6]]]},
])
def test_invalid_activity_areas_are_refused(bad):
    with pytest.raises(ValidationError):
        services.validate_polygon(bad)


def test_a_valid_polygon_is_accepted():
    assert services.validate_polygon(square(51.68, 32.66)) == square(51.68, 32.66)


def test_polygon_overlap():
    a = square(51.680, 32.660)
    assert services.polygons_overlap(a, square(51.685, 32.665))  # corners overlap
    assert services.polygons_overlap(a, square(51.680, 32.660, d=0.001))  # inside, no edge crosses
    assert services.polygons_overlap(square(51.680, 32.660, d=0.001), a)
    assert not services.polygons_overlap(a, square(51.700, 32.700))  # far apart
    # Boxes overlap, shapes do not: two triangles on either side of a diagonal.
    lower = {"type": "Polygon", "coordinates": [[[51.0, 32.0], [51.1, 32.0], [51.1, 32.09], [51.0, 32.0]]]}
    upper = {"type": "Polygon", "coordinates": [[[51.0, 32.01], [51.09, 32.1], [51.0, 32.1], [51.0, 32.01]]]}
    assert not services.polygons_overlap(lower, upper)


def test_profile_update_warns_of_overlapping_centers_in_the_same_county_only(world):
    neighbour = world.center(name="مرکز همسایه", activity_area=square(51.685, 32.665))
    world.center(name="مرکز شهرستان دیگر", county=world.county("کاشان"), activity_area=square(51.685, 32.665))
    center = world.center()
    chair = world.trustee(center, BoardRole.CHAIR)
    with scope(center=[center.pk]):
        warnings = services.center_profile_update(center=center, actor=actor(chair),
                                                  activity_area=square(51.680, 32.660), iban=GOOD_IBAN,
                                                  postal_code="۸۱۳۴۵۱۲۳۴۵", phone="031-3222 1234",
                                                  mobile="+989121234567")
        center.refresh_from_db()
    assert warnings == [neighbour.name]
    assert (center.iban, center.postal_code, center.phone, center.mobile) == (
        GOOD_IBAN, "8134512345", "03132221234", "09121234567")


# --- reminders and the approval queue ---------------------------------------------------------------------------


def test_the_expiry_reminder_goes_once_to_the_chair_and_vice_chair(world, django_capture_on_commit_callbacks):
    soon = licensed_center(world, valid_until=TODAY + datetime.timedelta(days=10))
    licensed_center(world)  # far from expiry: no reminder
    chair = world.trustee(soon, BoardRole.CHAIR)
    vice = world.trustee(soon, BoardRole.VICE_CHAIR)
    world.trustee(soon, BoardRole.FINANCE_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        assert license_expiry_scan() == 1
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([chair.email, vice.email])
    assert soon.name in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert license_expiry_scan() == 0
    with django_capture_on_commit_callbacks(execute=True):  # even a reminder queued twice is sent once
        from centers.tasks.lifecycle import remind_license_expiry

        with scopes_disabled():
            license_id = License.objects.get(center=soon).pk
        remind_license_expiry.enqueue(center_id=soon.pk, license_id=license_id)
    assert len(mail.outbox) == 1
    with scopes_disabled():
        assert License.objects.get(center=soon).reminder_sent_at is not None


def test_the_scan_runs_daily():
    from centers.tasks import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["lifecycle-license-expiry-scan"]["task"] == "centers.tasks.lifecycle.license_expiry_scan"


def test_approval_items_list_applications_under_review_and_flag_the_overdue(world):
    waiting = world.center(status=S.APPLICATION)
    chair = full_board(world, waiting)
    with scope(center=[waiting.pk]):
        services.center_transition(center=waiting, name="submit", actor=actor(chair))
    world.center(status=S.LICENSED)
    supervisor = actor(world.supervisor(level="county"))
    items = approval_items(supervisor)
    assert [(i["center"], i["overdue"]) for i in items] == [(waiting, False)]
    assert items[0]["due"] == TODAY + datetime.timedelta(days=14)
    assert approval_items(actor(world.supervisor(level="province", province=world.county("تهران", "تهران").province))
                          ) == []
