"""The board area: change requests (who may ask, all-or-nothing approval), letters, volunteers, files."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from centers import access
from centers.admin.board import approval_items
from centers.models import BoardChangeRequest, BoardRole, PersonFile, TrusteeAppointment, Volunteer
from centers.services import board as services
from centers.services.board import StepSpec
from conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests read the English source of the errors; the Persian ones are checked by the translation test."""
    with translation.override("en"):
        yield
ACTORS = ["chair", "vice_chair", "finance_officer", "volunteer", "county_supervisor", "foreign_supervisor",
          "anonymous"]


@pytest.fixture
def b(world):
    center = world.center(slug="isf-test")
    ns = SimpleNamespace(world=world, center=center)
    ns.chair = world.trustee(center, BoardRole.CHAIR)
    ns.vice_chair = world.trustee(center, BoardRole.VICE_CHAIR)
    ns.finance_officer = world.trustee(center, BoardRole.FINANCE_OFFICER)
    ns.volunteer = world.user()
    with scopes_disabled():
        ns.volunteer_record = Volunteer.objects.create(center=center, user=ns.volunteer, name="سارا داوطلب",
                                                       gender="female", since=datetime.date(2024, 5, 1))
    ns.county_supervisor = world.supervisor(level="county")
    ns.foreign_supervisor = world.supervisor(level="province", province=world.county("تهران", "تهران").province)
    ns.anonymous = None
    ns.newcomer = world.user(first_name="نرگس", last_name="امیری")
    return ns


def _actor(user):
    return access.actor_for(user, second_factor_passed=True)


def _appointments(center):
    with scopes_disabled():
        return sorted(TrusteeAppointment.objects.filter(center=center).values_list("role", "user_id", "status"))


def _create(b, user, steps, reason="نیاز مرکز"):
    with scope(center=[b.center.pk]):
        return services.board_change_request_create(actor=_actor(user), center=b.center, reason=reason,
                                                    steps=steps)


def _approve(b, change, user=None):
    with scope(center=[b.center.pk]):
        return services.board_change_request_approve(actor=_actor(user or b.county_supervisor), change=change)


# --- services ------------------------------------------------------------------------------------------------

def test_approval_applies_every_step_and_letters_are_numbered(b, mailoutbox, django_capture_on_commit_callbacks):
    with scopes_disabled():
        finance = TrusteeAppointment.objects.get(center=b.center, role=BoardRole.FINANCE_OFFICER)
    change = _create(b, b.chair, [
        StepSpec(kind="replace", role=BoardRole.FINANCE_OFFICER, user=b.newcomer),
        StepSpec(kind="add", role=BoardRole.SOCIAL_WORK_OFFICER, user=b.finance_officer),
    ])
    assert change.status == BoardChangeRequest.Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        _approve(b, change)
    with scopes_disabled():
        finance.refresh_from_db()
        assert finance.status == "ended" and finance.ends_on is not None and finance.end_reason
        new = TrusteeAppointment.objects.get(center=b.center, role=BoardRole.FINANCE_OFFICER, status="active")
        moved = TrusteeAppointment.objects.get(center=b.center, role=BoardRole.SOCIAL_WORK_OFFICER)
        change.refresh_from_db()
    assert new.user == b.newcomer and new.change_request == change and new.appointed_by == b.chair
    assert moved.user == b.finance_officer
    assert new.letter_number.endswith("/ISF-TEST/0001") and moved.letter_number.endswith("/0002")
    assert change.status == "approved" and change.decided_by == b.county_supervisor and change.decided_at
    assert {m.to[0] for m in mailoutbox} == {b.newcomer.email, b.finance_officer.email}


def test_a_late_failing_step_leaves_the_board_exactly_as_it_was(b):
    before = _appointments(b.center)
    change = _create(b, b.chair, [StepSpec(kind="remove", role=BoardRole.FINANCE_OFFICER)])
    # After submission someone else filled the social-work seat; the request's second step now collides.
    with scopes_disabled():
        change.steps.create(center=b.center, position=2, kind="add", role=BoardRole.SOCIAL_WORK_OFFICER,
                            user=b.newcomer)
    b.world.trustee(b.center, BoardRole.SOCIAL_WORK_OFFICER)
    before = _appointments(b.center)
    with pytest.raises(ValidationError, match="already held"):
        _approve(b, change)
    assert _appointments(b.center) == before
    with scopes_disabled():
        change.refresh_from_db()
    assert change.status == "submitted"


def test_a_database_failure_in_the_middle_rolls_back_every_step(b, monkeypatch):
    change = _create(b, b.chair, [
        StepSpec(kind="replace", role=BoardRole.FINANCE_OFFICER, user=b.newcomer),
        StepSpec(kind="add", role=BoardRole.SOCIAL_WORK_OFFICER, user=b.newcomer),
    ])
    before = _appointments(b.center)
    calls = []
    real = services.appointment_create

    def failing(**kwargs):
        calls.append(kwargs["role"])
        if len(calls) == 2:
            raise IntegrityError("simulated constraint violation")
        return real(**kwargs)

    monkeypatch.setattr(services, "appointment_create", failing)
    with pytest.raises(IntegrityError):
        _approve(b, change)
    assert calls == [BoardRole.FINANCE_OFFICER, BoardRole.SOCIAL_WORK_OFFICER]
    assert _appointments(b.center) == before


def test_adding_to_a_held_role_is_refused_when_requested(b):
    with pytest.raises(ValidationError, match="already held"):
        _create(b, b.chair, [StepSpec(kind="add", role=BoardRole.FINANCE_OFFICER, user=b.newcomer)])
    with scopes_disabled():
        assert not BoardChangeRequest.objects.exists()


def test_the_chair_may_not_request_leadership_changes_but_the_supervisor_may(b):
    for steps in ([StepSpec(kind="replace", role=BoardRole.VICE_CHAIR, user=b.newcomer)],
                  [StepSpec(kind="change_role", role=BoardRole.VICE_CHAIR, from_role=BoardRole.FINANCE_OFFICER)],
                  [StepSpec(kind="remove", role=BoardRole.CHAIR)]):
        with pytest.raises(ValidationError, match="supervising organisation"):
            _create(b, b.chair, steps)
    change = _create(b, b.county_supervisor, [StepSpec(kind="replace", role=BoardRole.VICE_CHAIR,
                                                        user=b.newcomer)])
    _approve(b, change)
    with scopes_disabled():
        assert TrusteeAppointment.objects.get(center=b.center, role=BoardRole.VICE_CHAIR,
                                              status="active").user == b.newcomer


def test_other_trustees_may_not_request_changes(b):
    for user in (b.vice_chair, b.finance_officer):
        with pytest.raises(PermissionDenied):
            _create(b, user, [StepSpec(kind="add", role=BoardRole.SOCIAL_WORK_OFFICER, user=b.newcomer)])


def test_rejection_records_the_reason_and_changes_nothing(b):
    change = _create(b, b.chair, [StepSpec(kind="add", role=BoardRole.SOCIAL_WORK_OFFICER, user=b.newcomer)])
    before = _appointments(b.center)
    with scope(center=[b.center.pk]):
        actor = _actor(b.county_supervisor)
        with pytest.raises(ValidationError):
            services.board_change_request_reject(actor=actor, change=change, reason="  ")
        services.board_change_request_reject(actor=actor, change=change, reason="برنامه‌ای ارائه نشده")
        change.refresh_from_db()
        assert change.status == "rejected" and change.decision_note == "برنامه‌ای ارائه نشده"
        with pytest.raises(ValidationError):  # a decided request cannot be decided again
            services.board_change_request_approve(actor=actor, change=change)
    assert _appointments(b.center) == before


def test_approval_queue_lists_pending_requests_for_the_supervisor(b):
    change = _create(b, b.chair, [StepSpec(kind="add", role=BoardRole.SOCIAL_WORK_OFFICER, user=b.newcomer)])
    with scope(center=[b.center.pk]):
        items = approval_items(_actor(b.county_supervisor))
        assert approval_items(_actor(b.chair)) == []
    assert [(i["center"], i["overdue"]) for i in items] == [(b.center, False)]
    assert items[0]["url"] == reverse("admin:centers_boardchangerequest_change", args=[change.pk])
    assert items[0]["due"] > datetime.date.today()


def test_volunteers_have_no_contract_salary_or_employment_fields():
    names = {f.name for f in Volunteer._meta.get_fields()}
    assert {"name", "gender", "mobile", "skills", "networks", "since"} <= names
    forbidden = ("contract", "salary", "wage", "employ", "hire", "payroll", "pay")
    assert not [n for n in names if any(word in n for word in forbidden)]


# --- permission matrix (pages) -----------------------------------------------------------------------------

def _client(client, b, who):
    user = getattr(b, who)
    if user is not None:
        login(client, user)
    return client


def _is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def _check(response, expected, success=200):
    if expected == "ok":
        assert response.status_code == success, response.content[:500]
    elif expected == "login":
        assert _is_login_redirect(response)
    else:
        assert response.status_code == expected


VIEW_BOARD = {"chair": "ok", "vice_chair": "ok", "finance_officer": "ok", "volunteer": 404,
              "county_supervisor": "ok", "foreign_supervisor": 404, "anonymous": "login"}


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_view_board_changes(client, b, who):
    response = _client(client, b, who).get(reverse("centers:board-changes", kwargs={"center_slug": b.center.slug}))
    _check(response, VIEW_BOARD[who])


REQUEST = {"chair": "ok", "vice_chair": 403, "finance_officer": 403, "volunteer": 404,
           "county_supervisor": "ok", "foreign_supervisor": 404, "anonymous": "login"}


def _request_post(b, role, kind="add"):
    return {"reason": "نیاز مرکز", "step-TOTAL_FORMS": "1", "step-INITIAL_FORMS": "0",
            "step-0-kind": kind, "step-0-role": role, "step-0-username": b.newcomer.username}


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_request_a_change_of_another_role(client, b, who):
    url = reverse("centers:board-change-new", kwargs={"center_slug": b.center.slug})
    response = _client(client, b, who).post(url, _request_post(b, BoardRole.SOCIAL_WORK_OFFICER))
    _check(response, REQUEST[who], success=302)
    with scopes_disabled():
        assert BoardChangeRequest.objects.exists() == (REQUEST[who] == "ok")


LEADERSHIP = {**REQUEST, "chair": 400}


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_request_a_change_of_the_vice_chair(client, b, who):
    url = reverse("centers:board-change-new", kwargs={"center_slug": b.center.slug})
    response = _client(client, b, who).post(url, _request_post(b, BoardRole.VICE_CHAIR, kind="replace"))
    _check(response, LEADERSHIP[who], success=302)
    if who == "chair":
        assert "supervising organisation" in response.content.decode() or "سازمان" in response.content.decode()


DECIDE = {"chair": 403, "vice_chair": 403, "finance_officer": 403, "volunteer": 404,
          "county_supervisor": "ok", "foreign_supervisor": 404, "anonymous": "login"}


@pytest.mark.parametrize("decision", ["approve", "reject"])
@pytest.mark.parametrize("who", ACTORS)
def test_matrix_approve_or_reject(client, b, who, decision):
    change = _create(b, b.chair, [StepSpec(kind="add", role=BoardRole.SOCIAL_WORK_OFFICER, user=b.newcomer)])
    url = reverse("centers:board-change-detail", kwargs={"center_slug": b.center.slug, "change_pk": change.pk})
    response = _client(client, b, who).post(url, {"decision": decision, "note": "دلیل تصمیم"})
    _check(response, DECIDE[who], success=302)
    with scopes_disabled():
        change.refresh_from_db()
    expected = {"approve": "approved", "reject": "rejected"}[decision] if DECIDE[who] == "ok" else "submitted"
    assert change.status == expected


LETTER = {"chair": 403, "vice_chair": 403, "finance_officer": "ok", "volunteer": 404,
          "county_supervisor": "ok", "foreign_supervisor": 404, "anonymous": "login"}


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_download_a_letter(client, b, who):
    with scopes_disabled():
        appointment = TrusteeAppointment.objects.get(center=b.center, role=BoardRole.FINANCE_OFFICER)
    url = reverse("centers:appointment-letter", kwargs={"center_slug": b.center.slug,
                                                         "appointment_pk": appointment.pk})
    response = _client(client, b, who).get(url)
    _check(response, LETTER[who])
    if LETTER[who] == "ok":
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


VOLUNTEERS = {"chair": "ok", "vice_chair": "ok", "finance_officer": 403, "volunteer": 404,
              "county_supervisor": "ok", "foreign_supervisor": 404, "anonymous": "login"}


@pytest.mark.parametrize("who", ACTORS)
def test_matrix_manage_volunteers(client, b, who):
    c = _client(client, b, who)
    _check(c.get(reverse("centers:volunteers", kwargs={"center_slug": b.center.slug})), VOLUNTEERS[who])
    response = c.post(reverse("centers:volunteer-new", kwargs={"center_slug": b.center.slug}), {
        "name": "رضا داوطلب", "gender": "male", "mobile": "۰۹۱۲۳۴۵۶۷۸۹", "networks": ["legal", "employment"],
        "since": "۱۴۰۳/۰۲/۱۰", "active": "on"})
    _check(response, VOLUNTEERS[who], success=302)
    with scopes_disabled():
        added = Volunteer.objects.filter(name="رضا داوطلب").first()
    assert (added is not None) == (VOLUNTEERS[who] == "ok")
    if added:
        assert added.mobile == "09123456789" and added.networks == ["legal", "employment"]
        assert added.since == datetime.date(2024, 4, 29)
        with scopes_disabled():
            assert PersonFile.objects.filter(volunteer=added).exists()


# --- pages ---------------------------------------------------------------------------------------------------

def test_board_page_lists_pending_and_decided_requests(client, b):
    pending = _create(b, b.chair, [StepSpec(kind="add", role=BoardRole.SOCIAL_WORK_OFFICER, user=b.newcomer)],
                      reason="درخواست در انتظار")
    login(client, b.county_supervisor)
    page = client.get(reverse("centers:board-change-detail",
                              kwargs={"center_slug": b.center.slug, "change_pk": pending.pk}))
    assert page.status_code == 200 and "درخواست در انتظار" in page.content.decode()
    assert 'value="approve"' in page.content.decode()
    response = client.post(page.request["PATH_INFO"], {"decision": "reject", "note": ""})
    assert response.status_code == 400  # a rejection needs a reason: shown on the page, not an error page
    listing = client.get(reverse("centers:board-changes", kwargs={"center_slug": b.center.slug}))
    assert listing.status_code == 200
    assert reverse("centers:board-change-detail", kwargs={"center_slug": b.center.slug,
                                                           "change_pk": pending.pk}) in listing.content.decode()


def test_person_file_accepts_a_pdf_and_refuses_other_files(client, b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, b.chair)
    with scopes_disabled():
        appointment = TrusteeAppointment.objects.get(center=b.center, role=BoardRole.FINANCE_OFFICER)
    opened = client.post(reverse("centers:person-file-open", kwargs={"center_slug": b.center.slug,
                                                                     "appointment_pk": appointment.pk}))
    assert opened.status_code == 302
    url = opened["Location"]
    saved = client.post(url, {"save": "1", "mobile": "09121112233", "skills": "حسابداری",
                              "networks": ["participation"]})
    assert saved.status_code == 302
    bad = client.post(url, {"upload": "1", "title": "برنامه", "file": SimpleUploadedFile("x.pdf", b"MZ\x90 exe")})
    assert bad.status_code == 400
    good = client.post(url, {"upload": "1", "title": "کارت ملی",
                             "file": SimpleUploadedFile("card.pdf", b"%PDF-1.4 test", "application/pdf")})
    assert good.status_code == 302
    with scopes_disabled():
        person_file = PersonFile.objects.get(center=b.center, user=b.finance_officer)
        document = person_file.documents.get()
    assert person_file.mobile == "09121112233"
    assert document.file.name.startswith(f"centers/{b.center.pk}/people/")
    download = client.get(reverse("centers:person-document", kwargs={
        "center_slug": b.center.slug, "file_pk": person_file.pk, "person_document_pk": document.pk}))
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    login(client, b.finance_officer)  # no MANAGE_VOLUNTEERS
    assert client.get(url).status_code == 403


# --- API -------------------------------------------------------------------------------------------------

def _api(client, b, who):
    user = getattr(b, who)
    if user is None:
        return {}
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


API_DECIDE = {**DECIDE, "anonymous": 401}


@pytest.mark.parametrize("who", ACTORS)
def test_api_matrix_approve(client, b, who):
    change = _create(b, b.chair, [StepSpec(kind="add", role=BoardRole.SOCIAL_WORK_OFFICER, user=b.newcomer)])
    response = client.post(f"/api/v1/board-change-requests/{change.pk}/approve/", {"note": "موافقت"},
                           content_type="application/json", **_api(client, b, who))
    _check(response, API_DECIDE[who])
    if API_DECIDE[who] == "ok":
        assert response.json()["status"] == "approved" and response.json()["center"] == b.center.pk


API_REQUEST = {**REQUEST, "anonymous": 401}


@pytest.mark.parametrize("who", ACTORS)
def test_api_matrix_create_request(client, b, who):
    response = client.post("/api/v1/board-change-requests/", {
        "center": b.center.pk, "reason": "نیاز مرکز",
        "steps": [{"kind": "add", "role": BoardRole.SOCIAL_WORK_OFFICER, "user": b.newcomer.pk}],
    }, content_type="application/json", **_api(client, b, who))
    _check(response, API_REQUEST[who], success=201)


def test_api_refuses_the_chairs_leadership_request_with_400(client, b):
    response = client.post("/api/v1/board-change-requests/", {
        "center": b.center.pk, "reason": "تغییر", "steps": [{"kind": "remove", "role": BoardRole.CHAIR}],
    }, content_type="application/json", **_api(client, b, "chair"))
    assert response.status_code == 400


API_LETTER = {**LETTER, "anonymous": 401}


@pytest.mark.parametrize("who", ACTORS)
def test_api_matrix_letter_download(client, b, who):
    with scopes_disabled():
        appointment = TrusteeAppointment.objects.get(center=b.center, role=BoardRole.FINANCE_OFFICER)
    response = client.get(f"/api/v1/appointment-letters/{appointment.pk}/pdf/", **_api(client, b, who))
    expected = API_LETTER[who]
    if who in ("chair", "vice_chair"):
        expected = 404  # the letter list holds only the caller's own letters (and supervised centers')
    _check(response, expected)


API_VOLUNTEERS = {**VOLUNTEERS, "anonymous": 401}


@pytest.mark.parametrize("who", ACTORS)
def test_api_matrix_volunteers(client, b, who):
    response = client.post("/api/v1/volunteers/", {
        "center": b.center.pk, "name": "علی داوطلب", "gender": "male", "since": "2024-05-01",
        "networks": ["legal"]}, content_type="application/json", **_api(client, b, who))
    _check(response, API_VOLUNTEERS[who], success=201)
    listing = client.get("/api/v1/volunteers/", **_api(client, b, who))
    if who == "anonymous":
        assert listing.status_code == 401
    else:
        names = {v["name"] for v in listing.json()["results"]}
        assert ("سارا داوطلب" in names) == (VOLUNTEERS[who] == "ok")
