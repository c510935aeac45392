"""Social work: who may read and write case notes, notes that are not changed after their day (in the service
and in the database), corrections, referrals and their dated status changes, overdue referrals and follow-ups,
reopening a closed household, and the row-level-security wall on the new tables and the history tables."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from beneficiaries import rls, selectors, services
from beneficiaries import selectors_socialwork as sw
from beneficiaries.models import CaseNote, Household, Referral, ReferralStatusChange
from centers.access import Action, actor_for, may
from centers.models import BoardRole
from contributions.tests.conftest import license_center

from .helpers import national_code, register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def socialwork_objects(center, user, household_id, *, secret: str) -> dict:
    """A case note and a referral (with its first status change) on ``household_id``, written directly (a
    fixture), for tests/test_isolation.py: the URL keyword and API basename values. ``user`` is the author."""
    with scopes_disabled():  # reviewed: a test fixture building one center's rows
        note = CaseNote.objects.create(center=center, household_id=household_id, kind="home_visit",
                                       noted_on=datetime.date(2025, 2, 1), text=secret, author=user)
        referral = Referral.objects.create(center=center, household_id=household_id, body="welfare", reason=secret,
                                           referred_on=datetime.date(2025, 2, 2),
                                           status_changed_on=datetime.date(2025, 2, 2), created_by=user)
        ReferralStatusChange.objects.create(center=center, referral=referral, to_status="sent",
                                            changed_on=datetime.date(2025, 2, 2), changed_by=user)
    return {"url_kwargs": {"note_id": note.pk, "referral_id": referral.pk},
            "api_objects": {"case-note": note.pk, "referral": referral.pk}}


def _actor(user):
    return actor_for(user, second_factor_passed=True)


@pytest.fixture
def household(center, vice_chair):
    return register(center, vice_chair, head_code=national_code(301), head_first="منیژه", head_last="کاوه")


@pytest.fixture
def social_worker(world, center):
    return world.trustee(center, BoardRole.SOCIAL_WORK_OFFICER)


def _note(user, household, **extra):
    data = dict(kind="home_visit", noted_on=TODAY() - 2 * DAY, text="بازدید منزل؛ یخچال خراب است.")
    data.update(extra)
    with scope(center=[household.center_id]):
        return services.case_note_write(actor=_actor(user), household=household, **data)


def _age(note, days=1):
    """Moves a note's writing time ``days`` back, past the trigger that forbids it (test only: replication
    mode skips user triggers for this transaction's statements)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE beneficiaries_casenote SET created_at = created_at - %s WHERE id = %s",
                       [datetime.timedelta(days=days), note.pk])
        cursor.execute("SET LOCAL session_replication_role = origin")
    note.refresh_from_db()
    return note


# --- who ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [BoardRole.CHAIR, BoardRole.VICE_CHAIR, BoardRole.SOCIAL_WORK_OFFICER])
def test_social_work_roles_write_and_read_notes(world, center, household, vice_chair, role):
    user = vice_chair if role == BoardRole.VICE_CHAIR else world.trustee(center, role)
    note = _note(user, household)
    with scope(center=[center.pk]):
        assert list(sw.case_notes(actor=_actor(user), household=household)) == [note]
    assert note.author == user and note.center_id == center.pk


@pytest.mark.parametrize("role", [BoardRole.FINANCE_OFFICER, BoardRole.HEALTH_OFFICER, BoardRole.QARD_HASAN_OFFICER,
                                  BoardRole.ORPHAN_SPONSORSHIP_OFFICER, BoardRole.DONOR_RELATIONS_MEN])
def test_finance_and_aid_officers_neither_read_nor_write_notes(world, center, household, social_worker, role):
    _note(social_worker, household)
    user = world.trustee(center, role)
    actor = _actor(user)
    assert not may(actor, Action.VIEW_CASE_NOTES, household)
    with scope(center=[center.pk]), pytest.raises(PermissionDenied):
        sw.case_notes(actor=actor, household=household)
    with pytest.raises(PermissionDenied):
        _note(user, household)
    with scope(center=[center.pk]), pytest.raises(PermissionDenied):
        sw.center_referrals(actor=actor, center=center)
    with scopes_disabled():
        assert CaseNote.objects.count() == 1


def test_finance_officer_still_sees_the_household_itself(world, center, household):
    actor = _actor(world.trustee(center, BoardRole.FINANCE_OFFICER))
    assert may(actor, Action.VIEW_BENEFICIARIES, household)
    assert not may(actor, Action.VIEW_CASE_NOTES, household)


def test_supervisor_over_the_center_reads_notes_and_an_outsider_gets_404(world, center, household, social_worker):
    note = _note(social_worker, household)
    supervisor = _actor(world.supervisor(level="province"))
    with scope(center=sorted(supervisor.center_ids)):
        assert list(sw.case_notes(actor=supervisor, household=household)) == [note]
    outsider = world.trustee(license_center(world.center()), BoardRole.SOCIAL_WORK_OFFICER)
    with scope(center=[center.pk]), pytest.raises(Http404):
        sw.case_notes(actor=_actor(outsider), household=household)
    with pytest.raises(Http404):
        _note(outsider, household)
    welfare_supervisor = _actor(world.supervisor(level="province", organization=world.welfare))
    assert not may(welfare_supervisor, Action.VIEW_CASE_NOTES, household)


# --- notes are a record ------------------------------------------------------------------------------------

def test_author_corrects_a_note_on_its_day_and_nobody_else_may(world, center, household, social_worker):
    note = _note(social_worker, household, follow_up_on=TODAY() + 5 * DAY)
    with scope(center=[center.pk]):
        services.case_note_edit(actor=_actor(social_worker), note=note, kind="phone_call", noted_on=note.noted_on,
                                text="تماس تلفنی؛ یخچال خراب است.", follow_up_on=None)
        with pytest.raises(ValidationError) as refused:
            services.case_note_edit(actor=_actor(world.trustee(center, BoardRole.CHAIR)), note=note, kind="other",
                                    noted_on=note.noted_on, text="تغییر به دست دیگری")
    assert refused.value.code == "not_author"
    note.refresh_from_db()
    assert (note.kind, note.text, note.follow_up_on) == ("phone_call", "تماس تلفنی؛ یخچال خراب است.", None)


def test_a_note_is_not_changed_after_its_day_by_the_service_or_the_database(center, household, social_worker):
    note = _age(_note(social_worker, household))
    actor = _actor(social_worker)
    assert not services.case_note_editable(note, actor)
    with scope(center=[center.pk]), pytest.raises(ValidationError) as refused:
        services.case_note_edit(actor=actor, note=note, kind="other", noted_on=note.noted_on, text="دیروز نوشته شد")
    assert refused.value.code == "note_locked"
    # Around the service, straight to the database: refused by the trigger.
    with pytest.raises(DatabaseError, match="not changed after the day"), transaction.atomic(), scopes_disabled():
        CaseNote.objects.filter(pk=note.pk).update(text="دستکاری")
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic(), scopes_disabled():
        CaseNote.objects.filter(pk=note.pk).delete()
    note.refresh_from_db()
    assert note.text == "بازدید منزل؛ یخچال خراب است."


def test_even_on_its_day_a_note_keeps_its_author_household_and_time(world, center, household, social_worker,
                                                                   vice_chair):
    note = _note(social_worker, household)
    other = register(center, vice_chair, head_code=national_code(302))
    for change in ({"author": world.user()}, {"household": other}, {"created_at": timezone.now() - DAY}):
        with pytest.raises(DatabaseError, match="keeps its author"), transaction.atomic(), scopes_disabled():
            CaseNote.objects.filter(pk=note.pk).update(**change)
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic(), scopes_disabled():
        CaseNote.objects.filter(pk=note.pk).delete()


def test_a_correction_is_a_new_note_pointing_at_the_old_one(world, center, household, social_worker, vice_chair):
    old = _age(_note(social_worker, household), days=3)
    correction = _note(social_worker, household, noted_on=TODAY(), text="اصلاح: یخچال تعمیر شده بود.", corrects=old)
    old.refresh_from_db()
    with scopes_disabled():
        assert correction.corrects == old and list(old.corrections.all()) == [correction]
    assert old.text == "بازدید منزل؛ یخچال خراب است."  # the old one stays as written
    other = register(center, vice_chair, head_code=national_code(303))
    with pytest.raises(ValidationError) as refused:
        _note(social_worker, other, corrects=old)
    assert refused.value.code == "bad_corrects"
    # The database refuses it too, around the service.
    with pytest.raises(DatabaseError, match="same household"), transaction.atomic(), scopes_disabled():
        CaseNote.objects.create(center=center, household=other, kind="other", noted_on=TODAY(), text="x",
                                corrects=old, author=social_worker)


@pytest.mark.parametrize(("extra", "code"), [
    ({"text": "  "}, "text_required"),
    ({"kind": "gossip"}, "bad_kind"),
    ({"noted_on": TODAY() + DAY}, "bad_noted_on"),
    ({"noted_on": "1403/01/01"}, "bad_noted_on"),
    ({"noted_on": datetime.date(1980, 1, 1)}, "bad_noted_on"),
    ({"follow_up_on": TODAY() - 10 * DAY}, "bad_follow_up_on"),
    ({"text": "ب" * 10_001}, "too_long"),
])
def test_bad_notes_are_refused_and_nothing_is_stored(center, household, social_worker, extra, code):
    with pytest.raises(ValidationError) as refused:
        _note(social_worker, household, **extra)
    assert refused.value.code == code
    with scopes_disabled():
        assert not CaseNote.objects.exists()


def test_no_new_note_or_referral_on_a_closed_file(center, household, social_worker, vice_chair):
    with scope(center=[center.pk]):
        services.household_close(actor=_actor(vice_chair), household=household, reason="مهاجرت به شهر دیگر")
        with pytest.raises(ValidationError):
            services.referral_make(actor=_actor(social_worker), household=household, body="welfare",
                                   reason="معرفی", referred_on=TODAY())
    with pytest.raises(ValidationError) as refused:
        _note(social_worker, household)
    assert refused.value.code == "household_closed"


# --- referrals ---------------------------------------------------------------------------------------------

def _refer(user, household, **extra):
    data = dict(body="health", body_name="دانشگاه علوم پزشکی اصفهان", reason="نیاز به جراحی قلب",
                referred_on=TODAY() - 20 * DAY)
    data.update(extra)
    with scope(center=[household.center_id]):
        return services.referral_make(actor=_actor(user), household=household, **data)


def _change(user, referral, to_status, days_ago, **extra):
    with scope(center=[referral.center_id]):
        return services.referral_status_change(actor=_actor(user), referral=referral, to_status=to_status,
                                               changed_on=TODAY() - days_ago * DAY, **extra)


def test_referral_follows_its_answers_with_dated_changes(center, household, social_worker):
    referral = _refer(social_worker, household)
    assert (referral.status, referral.status_changed_on) == ("sent", TODAY() - 20 * DAY)
    _change(social_worker, referral, "accepted", 15, note="نوبت داده شد")
    _change(social_worker, referral, "in_progress", 10)
    done = _change(social_worker, referral, "done", 2, outcome="جراحی انجام شد.")
    assert (done.status, done.status_changed_on, done.outcome) == ("done", TODAY() - 2 * DAY, "جراحی انجام شد.")
    with scopes_disabled():
        steps = list(ReferralStatusChange.objects.filter(referral=referral)
                     .values_list("from_status", "to_status", "changed_on"))
    assert steps == [("", "sent", TODAY() - 20 * DAY), ("sent", "accepted", TODAY() - 15 * DAY),
                     ("accepted", "in_progress", TODAY() - 10 * DAY), ("in_progress", "done", TODAY() - 2 * DAY)]
    with pytest.raises(DatabaseError), transaction.atomic(), scopes_disabled():
        ReferralStatusChange.objects.filter(referral=referral).update(note="بازنویسی")


@pytest.mark.parametrize(("steps", "last", "code"), [
    ([], ("done", 1, {}), "outcome_required"),
    ([], ("declined", 1, {"outcome": "  "}), "outcome_required"),
    ([("declined", 5, {"outcome": "خارج از ضوابط"})], ("accepted", 1, {}), "bad_transition"),
    ([("accepted", 5, {})], ("sent", 1, {}), "bad_transition"),
    ([("accepted", 5, {})], ("in_progress", 8, {}), "bad_changed_on"),
    ([], ("accepted", -1, {}), "bad_changed_on"),
    ([], ("archived", 1, {}), "bad_status"),
])
def test_bad_status_changes_are_refused_and_leave_the_referral_as_it_was(center, household, social_worker, steps,
                                                                        last, code):
    referral = _refer(social_worker, household)
    for status, days, extra in steps:
        referral = _change(social_worker, referral, status, days, **extra)
    before = (referral.status, referral.status_changed_on, referral.outcome)
    with scopes_disabled():
        count = ReferralStatusChange.objects.count()
    status, days, extra = last
    with pytest.raises(ValidationError) as refused:
        _change(social_worker, referral, status, days, **extra)
    assert refused.value.code == code
    referral.refresh_from_db()
    assert (referral.status, referral.status_changed_on, referral.outcome) == before
    with scopes_disabled():
        assert ReferralStatusChange.objects.count() == count


@pytest.mark.parametrize(("extra", "code"), [
    ({"body": "other", "body_name": ""}, "body_name_required"),
    ({"body": "embassy"}, "bad_body"),
    ({"reason": ""}, "reason_required"),
    ({"referred_on": TODAY() + DAY}, "bad_referred_on"),
])
def test_bad_referrals_are_refused(center, household, social_worker, extra, code):
    with pytest.raises(ValidationError) as refused:
        _refer(social_worker, household, **extra)
    assert refused.value.code == code
    with scopes_disabled():
        assert not Referral.objects.exists()


def test_another_body_is_named(center, household, social_worker):
    referral = _refer(social_worker, household, body="other", body_name="خیریه حضرت ابوالفضل")
    assert referral.body_label == "خیریه حضرت ابوالفضل"


def test_overdue_means_no_answer_after_the_set_days(settings, center, household, social_worker, vice_chair):
    late = _refer(social_worker, household, referred_on=TODAY() - 31 * DAY)
    _refer(social_worker, household, referred_on=TODAY() - 29 * DAY)  # still within the answer period
    answered = _refer(social_worker, household, referred_on=TODAY() - 60 * DAY)
    _change(social_worker, answered, "accepted", 40)
    actor = _actor(social_worker)
    with scope(center=[center.pk]):
        assert list(sw.overdue_referrals(actor=actor, center=center)) == [late]
        settings.BENEFICIARY_REFERRAL_ANSWER_DAYS = 10
        assert len(sw.overdue_referrals(actor=actor, center=center)) == 2


def test_follow_ups_due_until_a_later_note_is_written(center, household, social_worker):
    due = _note(social_worker, household, noted_on=TODAY() - 10 * DAY, follow_up_on=TODAY() - DAY)
    _note(social_worker, household, noted_on=TODAY() - 10 * DAY, follow_up_on=TODAY() + 30 * DAY)  # not yet
    actor = _actor(social_worker)
    with scope(center=[center.pk]):
        assert list(sw.follow_ups_due(actor=actor, center=center)) == [due]
    _note(social_worker, household, noted_on=TODAY(), kind="follow_up", text="پیگیری انجام شد.")
    with scope(center=[center.pk]):
        assert list(sw.follow_ups_due(actor=actor, center=center)) == []


# --- reopening a closed household ---------------------------------------------------------------------------

def test_a_closed_file_is_reopened_with_a_reason_kept_in_its_history(world, center, household, vice_chair):
    actor = _actor(vice_chair)
    with scope(center=[center.pk]):
        services.household_close(actor=actor, household=household, reason="خانوار به شهر دیگری رفت")
        with pytest.raises(PermissionDenied):
            services.household_reopen(actor=_actor(world.trustee(center, BoardRole.FINANCE_OFFICER)),
                                      household=household, reason="بازگشت خانوار به محله")
        with pytest.raises(ValidationError) as short:
            services.household_reopen(actor=actor, household=household, reason="بله")
        reopened = services.household_reopen(actor=actor, household=household, reason="بازگشت خانوار به محله")
        with pytest.raises(ValidationError) as again:
            services.household_reopen(actor=actor, household=household, reason="بازگشت دوباره")
        history = selectors.household_status_history(actor=actor, household=household)
    assert (short.value.code, again.value.code) == ("reason_required", "household_not_closed")
    assert (reopened.status, reopened.closed_on, reopened.closed_reason) == ("active", None, "")
    assert [(e.status, e.reason, e.by) for e in history] == [
        ("closed", "خانوار به شهر دیگری رفت", vice_chair.get_full_name()),
        ("active", "بازگشت خانوار به محله", vice_chair.get_full_name())]
    with scopes_disabled():
        assert Household.objects.get(pk=household.pk).status == "active"


# --- row-level security -------------------------------------------------------------------------------------

def _as_app_role(center_ids, sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {rls.APP_ROLE}")
        try:
            rls.apply(connection, center_ids)
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.execute("RESET ROLE")


@pytest.fixture
def walled(world, center, household, social_worker, vice_chair):
    """Rows in every walled table at ``center``: a note (and its history), a referral with a change, an
    assessment, a reveal, and the household's history."""
    note = _note(social_worker, household)
    with scope(center=[center.pk]):
        services.case_note_edit(actor=_actor(social_worker), note=note, kind="other", noted_on=note.noted_on,
                                text="ویرایش همان روز")
        services.assessment_record(actor=_actor(vice_chair), household=household, category="health", severity=3,
                                   evidence="نسخه پزشک", assessed_on=TODAY())
        services.reveal_identifier(actor=_actor(vice_chair), household=household, field="mobile",
                                   reason="تماس برای نوبت پزشک")
    _refer(social_worker, household)
    theirs = license_center(world.center())
    register(theirs, world.trustee(theirs, BoardRole.VICE_CHAIR), head_code=national_code(304))
    return center, theirs


@pytest.mark.parametrize("table", rls.HISTORY_TABLES + rls.SOCIAL_WORK_TABLES)
def test_app_role_with_another_center_set_sees_none_of_the_history_and_social_work(walled, table):
    mine, theirs = walled
    query = f"SELECT count(*) FROM {table} WHERE center_id = %s"  # noqa: S608 - table names are constants
    assert _as_app_role([theirs.pk], query, [mine.pk]) == [(0,)]
    assert _as_app_role([], query, [mine.pk]) == [(0,)]
    assert _as_app_role([mine.pk], query, [mine.pk])[0][0] >= 1  # the zero above is the policy


def test_the_new_walls_are_forced_and_the_app_role_cannot_delete_notes(walled):
    mine, theirs = walled
    tables = list(rls.HISTORY_TABLES + rls.SOCIAL_WORK_TABLES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relrowsecurity AND "
                       "relforcerowsecurity", [tables])
        assert sorted(r[0] for r in cursor.fetchall()) == sorted(tables)
    for table in ("beneficiaries_casenote", "beneficiaries_referral", "beneficiaries_referralstatuschange"):
        # The savepoint's rollback also ends the SET LOCAL ROLE.
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {rls.APP_ROLE}")
            rls.apply(connection, [mine.pk])
            cursor.execute(f"DELETE FROM {table} WHERE center_id = %s", [mine.pk])  # noqa: S608 - constants
    changed = _as_app_role([theirs.pk], "UPDATE beneficiaries_referral SET outcome = 'x' WHERE center_id = %s "
                           "RETURNING id", [mine.pk])
    assert changed == []
