"""Supervision: meetings and decisions, the archive and its guarded destruction, inspections and their
score, complaints and their escalation; and who may do each of these."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import Error, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from centers.access import actor_for
from centers.admin.supervision import approval_items
from centers.models import (
    ArchivedDocument,
    BoardRole,
    Complaint,
    ComplaintEvent,
    DocumentDestructionRequest,
    FollowUpAction,
    Inspection,
    Meeting,
)
from centers.models.supervision import CHECKLIST, checklist_score
from centers.services import supervision as services
from centers.tasks.supervision import escalate_overdue_complaints
from conftest import login

from .supervision_objects import PDF, supervision_objects

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # the complaint rate limit counts in the cache


def _actor(user):
    return actor_for(user, second_factor_passed=True)


def _pdf(name="doc.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- Inspection score ---------------------------------------------------------------------------------------

def test_checklist_has_between_8_and_12_items_drawn_from_the_seed():
    assert 8 <= len(CHECKLIST) <= 12
    assert {"designated_bank_only", "no_paid_employees", "needy_records_confidential"} <= {i.code for i in CHECKLIST}


def test_score_is_the_weighted_share_of_confirmed_items():
    everything_yes = {item.code: "yes" for item in CHECKLIST}
    assert checklist_score(everything_yes) == 100
    assert checklist_score({item.code: "no" for item in CHECKLIST}) == 0
    total = sum(i.weight for i in CHECKLIST)
    one_heavy_no = {**everything_yes, "designated_bank_only": "no"}
    assert checklist_score(one_heavy_no) == round(100 * (total - 3) / total)


def test_not_applicable_items_leave_the_score_untouched_and_missing_ones_count_as_no():
    answers = {item.code: "yes" for item in CHECKLIST}
    answers["mosque_independence"] = "na"
    assert checklist_score(answers) == 100
    del answers["minutes_kept"]
    assert checklist_score(answers) < 100
    assert checklist_score({item.code: "na" for item in CHECKLIST}) == 0


# --- Meetings ------------------------------------------------------------------------------------------------

def test_meetings_are_numbered_per_jalali_year_and_decisions_get_stable_references(world):
    center = world.center()
    chair = world.trustee(center, BoardRole.CHAIR)
    actor = _actor(chair)
    with scope(center=[center.pk]):
        first = services.meeting_record(actor=actor, center=center, held_on=datetime.date(2026, 4, 1), place="مسجد",
                                        kind="regular", minutes="...")
        second = services.meeting_record(
            actor=actor, center=center, held_on=datetime.date(2026, 5, 1), place="مسجد", kind="extraordinary",
            minutes="...", decisions=[services.DecisionInput("خرید جهیزیه", 50_000_000),
                                      services.DecisionInput("تشکیل مجمع")])
        assert (first.jalali_year, first.number, second.number) == (1405, 1, 2)
        refs = [d.reference for d in second.decisions.all()]
        assert refs == ["1405/02-1", "1405/02-2"]
        found = services.decision_for_reference(center, "1405/02-1")
        assert found.amount == 50_000_000
        assert services.decision_for_reference(center, "1405/09-1") is None
        assert services.decision_for_reference(center, "garbage") is None


def test_meeting_attendees_must_be_this_boards_members(world):
    center, other = world.center(), world.center()
    chair = world.trustee(center)
    world.trustee(other)
    with scopes_disabled():
        stranger = other.appointments.get().pk
    with scope(center=[center.pk, other.pk]), pytest.raises(ValidationError):
        services.meeting_record(actor=_actor(chair), center=center, held_on=datetime.date(2026, 4, 1), place="x",
                                kind="regular", minutes="x", attendee_ids=[stranger])


def test_an_attachment_whose_content_is_not_its_type_is_refused(client, world):
    center = world.center()
    login(client, world.trustee(center))
    response = client.post(reverse("centers:meeting-new", kwargs={"center_slug": center.slug}), {
        "held_on": "1405/01/10", "place": "مسجد", "kind": "regular", "minutes": "متن",
        "attachment": SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"),
        "decisions-TOTAL_FORMS": "0", "decisions-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors or response.context["form"].non_field_errors()
    with scopes_disabled():
        assert not Meeting.objects.filter(center=center).exists()


# --- Documents -----------------------------------------------------------------------------------------------

def test_approved_destruction_empties_the_file_and_keeps_the_record_forever(world):
    center = world.center()
    chair = world.trustee(center)
    supervisor = world.supervisor(level="county")
    with scope(center=[center.pk]):
        document = services.document_archive(actor=_actor(chair), center=center, kind="financial", title="دفتر ۱۴۰۰",
                                             document_date=datetime.date(2021, 3, 1), file=_pdf())
        stored = document.file.name
        storage = document.file.storage
        request = services.document_destruction_request(actor=_actor(chair), document=document, reason="گذشت ده سال")
        with pytest.raises(ValidationError):  # one pending request per document
            services.document_destruction_request(actor=_actor(chair), document=document, reason="دوباره")
        with transaction.atomic():  # on_commit hooks run when this block commits under the test's transaction?
            services.destruction_request_approve(actor=_actor(supervisor), request=request, note="موافقت")
        document.refresh_from_db()
        assert document.is_destroyed and not document.file
        assert document.destroyed_by == supervisor and document.destruction_reason == "گذشت ده سال"
        with pytest.raises(Error), transaction.atomic():
            ArchivedDocument.objects.filter(pk=document.pk).delete()
        with pytest.raises(Error), transaction.atomic():
            ArchivedDocument.objects.filter(pk=document.pk).update(destroyed_at=None)
        with pytest.raises(Error), transaction.atomic():
            DocumentDestructionRequest.objects.filter(pk=request.pk).delete()
        assert ArchivedDocument.objects.filter(pk=document.pk, destroyed_at__isnull=False).exists()
    assert stored  # the file was stored; its deletion runs when the outer transaction commits
    del storage


def test_file_content_is_deleted_once_the_approval_commits(world, django_capture_on_commit_callbacks):
    center = world.center()
    chair, supervisor = world.trustee(center), world.supervisor(level="county")
    with scope(center=[center.pk]):
        document = services.document_archive(actor=_actor(chair), center=center, kind="other", title="x",
                                             document_date=datetime.date(2021, 3, 1), file=_pdf())
        request = services.document_destruction_request(actor=_actor(chair), document=document, reason="r")
        storage, name = document.file.storage, document.file.name
        assert storage.exists(name)
        with django_capture_on_commit_callbacks(execute=True):
            services.destruction_request_approve(actor=_actor(supervisor), request=request)
    assert not storage.exists(name)


def test_rejecting_a_destruction_needs_a_note_and_keeps_the_document(world):
    center = world.center()
    chair, supervisor = world.trustee(center), world.supervisor(level="county")
    with scope(center=[center.pk]):
        document = services.document_archive(actor=_actor(chair), center=center, kind="other", title="x",
                                             document_date=datetime.date(2021, 3, 1), file=_pdf())
        request = services.document_destruction_request(actor=_actor(chair), document=document, reason="r")
        with pytest.raises(ValidationError):
            services.destruction_request_reject(actor=_actor(supervisor), request=request, note=" ")
        services.destruction_request_reject(actor=_actor(supervisor), request=request, note="هنوز لازم است")
        document.refresh_from_db()
        assert not document.is_destroyed and document.file
        with pytest.raises(ValidationError):  # decided once
            services.destruction_request_approve(actor=_actor(supervisor), request=request)


def test_a_destroyed_documents_file_cannot_be_downloaded(client, world):
    center = world.center()
    chair = world.trustee(center)
    objs = supervision_objects(center, chair)
    login(client, chair)
    url = reverse("centers:document-file", kwargs={"center_slug": center.slug, "document_pk": objs.document.pk})
    assert client.get(url).status_code == 200
    with scope(center=[center.pk]):
        services.destruction_request_approve(actor=_actor(world.supervisor(level="county")),
                                             request=objs.destruction_request)
    assert client.get(url).status_code == 404


# --- Inspections ---------------------------------------------------------------------------------------------

def test_inspection_is_scored_and_the_board_marks_follow_ups_done(client, world):
    center = world.center()
    chair, supervisor = world.trustee(center), world.supervisor(level="county")
    answers = {item.code: "yes" for item in CHECKLIST}
    answers["receipts_issued"] = "no"
    today = timezone.localdate()
    with scope(center=[center.pk]):
        inspection = services.inspection_record(
            actor=_actor(supervisor), center=center, inspected_on=today, answers=answers, findings="رسید صادر نمی‌شود",
            follow_ups=[services.FollowUpInput("صدور رسید برای همه کمک‌ها", today + datetime.timedelta(days=30))])
        assert inspection.score == checklist_score(answers) < 100
        follow_up = inspection.follow_ups.get()
    login(client, chair)
    url = reverse("centers:follow-up-done", kwargs={"center_slug": center.slug, "follow_up_pk": follow_up.pk})
    assert client.post(url, {"note": ""}).status_code == 200  # a note is required
    response = client.post(url, {"note": "دفترچه رسید تهیه شد"})
    assert response.status_code == 302
    with scopes_disabled():
        follow_up.refresh_from_db()
    assert follow_up.status == FollowUpAction.Status.DONE and follow_up.done_by == chair
    page = client.get(reverse("centers:inspection-detail", kwargs={"center_slug": center.slug,
                                                                   "inspection_pk": inspection.pk}))
    assert "دفترچه رسید تهیه شد" in page.content.decode()


def test_inspection_answers_outside_the_checklist_are_refused(world):
    center = world.center()
    supervisor = world.supervisor(level="county")
    with scope(center=[center.pk]), pytest.raises(ValidationError):
        services.inspection_record(actor=_actor(supervisor), center=center, inspected_on=timezone.localdate(),
                                   answers={"made_up": "yes"})


def test_county_supervisor_records_an_inspection_in_the_admin(client, world):
    center = world.center()
    supervisor = world.supervisor(level="county")
    login(client, supervisor)
    data = {"center": center.pk, "inspected_on": timezone.localdate().isoformat(), "findings": "خوب",
            "follow_ups-TOTAL_FORMS": "1", "follow_ups-INITIAL_FORMS": "0",
            "follow_ups-0-text": "نصب مجوز", "follow_ups-0-due_on": "2030-01-01"}
    data.update({f"item_{item.code}": "yes" for item in CHECKLIST})
    response = client.post(reverse("admin:centers_inspection_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        inspection = Inspection.objects.get(center=center)
        assert inspection.inspector == supervisor and inspection.score == 100
        assert inspection.follow_ups.get().center_id == center.pk


# --- Complaints ----------------------------------------------------------------------------------------------

def _file(center, **extra):
    return services.complaint_file(center_id=center.pk, complainant_kind="donor", text="رسید نداد",
                                   complainant_name="نام‌شاکی‌محرمانه", complainant_mobile="09121234567", **extra)


def test_a_complaint_left_unanswered_past_its_deadline_is_at_the_next_level_after_the_task_runs(world):
    center = world.center()
    complaint = _file(center)
    assert complaint.level == Complaint.Level.MANAGEMENT and len(complaint.tracking_code) == 10
    with scopes_disabled():
        Complaint.objects.filter(pk=complaint.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert escalate_overdue_complaints.delay().get() == 1
    with scopes_disabled():
        complaint.refresh_from_db()
        assert complaint.level == Complaint.Level.PARTICIPATION_DEPUTY
        assert complaint.deadline > timezone.now() + datetime.timedelta(days=9)
        assert complaint.timeline.filter(kind=ComplaintEvent.Kind.ESCALATED, level=2).exists()
    assert escalate_overdue_complaints.delay().get() == 0  # not yet due at the new level


def test_after_the_last_level_an_overdue_complaint_is_flagged_once(world):
    complaint = _file(world.center())
    later = timezone.now()
    for _ in range(2):
        later += datetime.timedelta(days=30)
        services.complaint_escalate_overdue(now=later)
    with scopes_disabled():
        complaint.refresh_from_db()
    assert complaint.level == Complaint.Level.INSPECTION_OFFICE
    later += datetime.timedelta(days=30)
    assert services.complaint_escalate_overdue(now=later) == 1
    assert services.complaint_escalate_overdue(now=later + datetime.timedelta(days=30)) == 0
    with scopes_disabled():
        complaint.refresh_from_db()
        assert complaint.overdue_flagged_at == later
        assert list(complaint.timeline.values_list("kind", flat=True)) == [
            "filed", "escalated", "escalated", "flagged"]


def test_an_answered_complaint_does_not_escalate(world):
    center = world.center()
    complaint = _file(center)
    with scope(center=[center.pk]):
        services.complaint_respond(actor=_actor(world.supervisor(level="county")), complaint=complaint,
                                   text="پیگیری شد")
    assert services.complaint_escalate_overdue(now=timezone.now() + datetime.timedelta(days=60)) == 0


def test_complaint_events_are_immutable(world):
    complaint = _file(world.center())
    with scopes_disabled():
        with pytest.raises(Error), transaction.atomic():
            ComplaintEvent.objects.filter(complaint=complaint).update(text="changed")
        with pytest.raises(Error), transaction.atomic():
            ComplaintEvent.objects.filter(complaint=complaint).delete()


def test_a_county_supervisor_cannot_answer_at_the_deputys_level(world):
    center = world.center()
    complaint = _file(center)
    services.complaint_escalate_overdue(now=timezone.now() + datetime.timedelta(days=11))
    county, province = world.supervisor(level="county"), world.supervisor(level="province")
    with scope(center=[center.pk]):
        with pytest.raises(ValidationError):
            services.complaint_respond(actor=_actor(county), complaint=complaint, text="x")
        services.complaint_resolve(actor=_actor(province), complaint=complaint, text="حل شد")
    with scopes_disabled():
        assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.RESOLVED


def test_complaints_can_only_be_filed_about_licensed_centers(world):
    with pytest.raises(ValidationError):
        _file(world.center(status="suspended"))


def test_the_public_form_files_a_complaint_and_the_complainant_sees_where_it_stands(client, world):
    center = world.center(name="مرکز محله نمونه")
    county = center.county
    empty = client.get(reverse("centers:complaint-new"))
    assert "مرکز محله نمونه" not in empty.content.decode()  # no center is listed before a county is chosen
    query = f"?province={county.province_id}&county={county.pk}"
    form = client.get(reverse("centers:complaint-new") + query)
    assert "مرکز محله نمونه" in form.content.decode()
    response = client.post(reverse("centers:complaint-new") + query, {
        "center": center.pk, "complainant_kind": "beneficiary", "complainant_mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        "complainant_name": "نام شاکی", "text": "کمک به ما نرسید"})
    assert response.status_code == 200
    code = response.context["tracking_code"]
    with scopes_disabled():
        assert Complaint.objects.get(tracking_code=code).complainant_mobile == "09121234567"
    page = client.get(reverse("centers:complaint-track", kwargs={"tracking_code": code}))
    body = page.content.decode()
    assert page.status_code == 200
    assert str(Complaint.Status.OPEN.label) in body or "پاسخ" in body
    for hidden in ("09121234567", "نام شاکی", "کمک به ما نرسید"):  # nothing beyond where it stands
        assert hidden not in body


def test_tracking_page_shows_public_answers_but_not_internal_notes_or_other_complaints(client, world):
    center = world.center()
    mine, other = _file(center), _file(center)
    supervisor = world.supervisor(level="county")
    with scope(center=[center.pk]):
        services.complaint_respond(actor=_actor(supervisor), complaint=mine, text="یادداشت داخلی", public=False)
        services.complaint_respond(actor=_actor(supervisor), complaint=mine, text="پاسخ عمومی به شما")
        services.complaint_respond(actor=_actor(supervisor), complaint=other, text="پاسخ شکایت دیگر")
    body = client.get(reverse("centers:complaint-track", kwargs={"tracking_code": mine.tracking_code})).content.decode()
    assert "پاسخ عمومی به شما" in body
    assert "یادداشت داخلی" not in body and "پاسخ شکایت دیگر" not in body and other.tracking_code not in body
    assert client.get(reverse("centers:complaint-track", kwargs={"tracking_code": "ZZZZZZZZZZ"})).status_code == 404


def test_the_public_form_is_rate_limited_per_address(client, world, settings):
    settings.COMPLAINT_RATE_LIMIT = 2
    center = world.center()
    url = reverse("centers:complaint-new") + f"?center={center.slug}"
    data = {"center": center.pk, "complainant_kind": "public", "text": "شکایت"}
    assert [client.post(url, data).status_code for _ in range(3)] == [200, 200, 429]
    with scopes_disabled():
        assert Complaint.objects.filter(center=center).count() == 2


def test_trustees_see_their_centers_complaints_without_the_complainants_identity(client, world):
    center = world.center()
    chair = world.trustee(center)
    _file(center)
    login(client, chair)
    body = client.get(reverse("centers:complaint-list", kwargs={"center_slug": center.slug})).content.decode()
    assert "رسید نداد" in body
    assert "09121234567" not in body and "۰۹۱۲۱۲۳۴۵۶۷" not in body and "نام‌شاکی‌محرمانه" not in body
    api = client.get("/api/v1/complaints/").json()["results"][0]
    assert "complainant_mobile" not in api and "tracking_code" not in api


def test_approval_items_list_overdue_complaints_first_and_pending_destructions(world):
    center = world.center()
    chair, supervisor = world.trustee(center), world.supervisor(level="county")
    objs = supervision_objects(center, chair)
    late = _file(center)
    with scopes_disabled():
        Complaint.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    actor = _actor(supervisor)
    with scope(center=sorted(actor.center_ids)):
        items = approval_items(actor)
    assert items[0]["overdue"] and late.tracking_code in items[0]["title"]
    kinds = [i["kind"] for i in items]
    assert len(items) == 3  # the overdue one, the fixture's complaint, the pending destruction
    assert items[-1]["url"].endswith(f"/{objs.destruction_request.pk}/change/")
    assert all(i["center"] == center for i in items) and len(set(kinds)) == 2


def test_admin_action_approves_a_destruction_with_a_note(client, world):
    center = world.center()
    chair, supervisor = world.trustee(center), world.supervisor(level="county")
    objs = supervision_objects(center, chair)
    login(client, supervisor)
    url = reverse("admin:centers_documentdestructionrequest_changelist")
    ask = client.post(url, {"action": "approve", "_selected_action": [objs.destruction_request.pk]})
    assert ask.status_code == 200 and "reason" in ask.content.decode()
    done = client.post(url, {"action": "approve", "_selected_action": [objs.destruction_request.pk], "apply": "1",
                             "reason": "مهلت نگهداری گذشته"})
    assert done.status_code == 302
    with scopes_disabled():
        assert ArchivedDocument.objects.get(pk=objs.document.pk).is_destroyed


# --- Permission matrix ---------------------------------------------------------------------------------------

ACTORS = ["chair", "vice_chair", "other_trustee", "volunteer", "county_supervisor", "foreign_supervisor",
          "anonymous"]


@pytest.fixture
def cast(world, client):
    """A licensed center in Isfahan county, its people, and a signed-in client per actor."""
    center = world.center()
    people = {
        "chair": world.trustee(center, BoardRole.CHAIR),
        "vice_chair": world.trustee(center, BoardRole.VICE_CHAIR),
        "other_trustee": world.trustee(center, BoardRole.ORGANIZATIONS_OFFICER),
        "volunteer": world.user(),
        "county_supervisor": world.supervisor(level="county"),
        "foreign_supervisor": world.supervisor(level="province", province=world.county("تهران", "تهران").province),
    }
    objs = supervision_objects(center, people["chair"])

    def as_(who):
        client.logout()
        if who != "anonymous":
            login(client, people[who])
        return client

    return center, objs, as_


# action -> {actor: expected}: "ok" (success), 403, 404, "login" (page) / 401 (API)
TRUSTEE_PAGE = {"chair": "ok", "vice_chair": "ok", "other_trustee": 403, "volunteer": 404,
                "county_supervisor": "ok", "foreign_supervisor": 404, "anonymous": "login"}
SUPERVISOR_API = {"chair": 403, "vice_chair": 403, "other_trustee": 403, "volunteer": 404,
                  "county_supervisor": "ok", "foreign_supervisor": 404, "anonymous": 401}
EVERYONE = dict.fromkeys(ACTORS, "ok")
MATRIX = {
    "record_meeting": TRUSTEE_PAGE,
    "view_meetings": {**TRUSTEE_PAGE, "other_trustee": "ok"},
    "upload_document": TRUSTEE_PAGE,
    "request_destruction": TRUSTEE_PAGE,
    "approve_destruction": SUPERVISOR_API,
    "create_inspection": SUPERVISOR_API,
    "mark_follow_up_done": TRUSTEE_PAGE,
    "respond_to_complaint": SUPERVISOR_API,
    "file_complaint": EVERYONE,
    "track_complaint": EVERYONE,
}


def _do(action, center, objs, client):
    slug = {"center_slug": center.slug}
    if action == "record_meeting":
        return client.post(reverse("centers:meeting-new", kwargs=slug), {
            "held_on": "1405/01/10", "place": "مسجد", "kind": "regular", "minutes": "متن",
            "decisions-TOTAL_FORMS": "1", "decisions-INITIAL_FORMS": "0", "decisions-0-text": "مصوبه",
            "decisions-0-amount": "1000"}), 302
    if action == "view_meetings":
        return client.get(reverse("centers:meeting-list", kwargs=slug)), 200
    if action == "upload_document":
        return client.post(reverse("centers:document-new", kwargs=slug), {
            "kind": "financial", "title": "سند", "document_date": "1404/12/01", "file": _pdf()}), 302
    if action == "request_destruction":
        with scopes_disabled():
            document = ArchivedDocument.objects.create(center=center, kind="other", title="کهنه",
                                                       document_date=datetime.date(2020, 1, 1),
                                                       file=ContentFile(PDF, name="old.pdf"),
                                                       uploaded_by=objs.meeting.recorded_by)
        return client.post(reverse("centers:document-destroy", kwargs={**slug, "document_pk": document.pk}),
                           {"reason": "مهلت گذشته"}), 302
    if action == "approve_destruction":
        return client.post(f"/api/v1/destruction-requests/{objs.destruction_request.pk}/approve/",
                           {"note": "ok"}, content_type="application/json"), 200
    if action == "create_inspection":
        return client.post("/api/v1/inspections/", {
            "center": center.pk, "inspected_on": timezone.localdate().isoformat(), "findings": "",
            "answers": {"license_displayed": "yes"},
            "follow_ups": [{"text": "نصب مجوز", "due_on": "2030-01-01"}]}, content_type="application/json"), 201
    if action == "mark_follow_up_done":
        return client.post(reverse("centers:follow-up-done", kwargs={**slug, "follow_up_pk": objs.follow_up.pk}),
                           {"note": "انجام شد"}), 302
    if action == "respond_to_complaint":
        return client.post(f"/api/v1/complaints/{objs.complaint.pk}/respond/", {"text": "پاسخ"},
                           content_type="application/json"), 200
    if action == "file_complaint":
        return client.post(reverse("centers:complaint-new") + f"?center={center.slug}", {
            "center": center.pk, "complainant_kind": "public", "text": "شکایت"}), 200
    if action == "track_complaint":
        return client.get(reverse("centers:complaint-track",
                                  kwargs={"tracking_code": objs.complaint.tracking_code})), 200
    raise AssertionError(action)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(cast, action, who):
    center, objs, as_ = cast
    response, success = _do(action, center, objs, as_(who))
    expected = MATRIX[action][who]
    if expected == "ok":
        assert response.status_code == success, response.content.decode()[:1500]
        if action == "file_complaint":
            assert len(response.context["tracking_code"]) == 10
        if action == "approve_destruction":
            assert response.json()["status"] == "approved"
    elif expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected, response.content.decode()[:500]


def test_demo_data_is_idempotent_and_covers_every_complaint_level(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.DATA_DIR = tmp_path
    for _ in range(2):
        call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        assert Meeting.objects.count() == 4
        assert sorted(Complaint.objects.values_list("level", flat=True)) == [1, 1, 2, 3]
        assert Complaint.objects.filter(status="open", deadline__lt=timezone.now()).count() == 1
        assert ArchivedDocument.objects.filter(destroyed_at__isnull=False).count() == 1
        assert DocumentDestructionRequest.objects.filter(status="pending").count() == 1
        assert Inspection.objects.count() == 2
