"""Social-work pages and API: outsiders get 404, the finance officer and the aid officers 403, the social-work
roles and the supervisors read and write; the household file links to them only for those roles; the center
nav shows "Households" only to those who may open it; a closed file is reopened from its page."""

import datetime

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from beneficiaries import services
from beneficiaries.models import CaseNote, Household, Referral
from centers.access import actor_for
from centers.models import BoardRole
from conftest import login
from contributions.tests.conftest import license_center
from core.digits import to_persian_digits

from .helpers import national_code, register
from .test_socialwork import _age

pytestmark = pytest.mark.django_db

SECRET = "مادر از بیماری اعصاب رنج می‌برد"
TODAY = timezone.localdate


@pytest.fixture
def household(center, vice_chair):
    return register(center, vice_chair, head_code=national_code(401), head_first="پروانه", head_last="ستاری")


@pytest.fixture
def social_worker(world, center):
    return world.trustee(center, BoardRole.SOCIAL_WORK_OFFICER)


@pytest.fixture
def note(household, social_worker):
    with scope(center=[household.center_id]):
        return services.case_note_write(actor=actor_for(social_worker, second_factor_passed=True),
                                        household=household, kind="home_visit", noted_on=TODAY(), text=SECRET)


@pytest.fixture
def referral(household, social_worker):
    with scope(center=[household.center_id]):
        return services.referral_make(actor=actor_for(social_worker, second_factor_passed=True),
                                      household=household, body="welfare", reason="معرفی برای " + SECRET,
                                      referred_on=TODAY() - datetime.timedelta(days=40))


def _urls(center, household, note, referral):
    """(url, takes a POST) of every social-work page (the others answer a POST 405)."""
    kw = {"center_slug": center.slug, "household_id": household.pk}
    return [(reverse("beneficiaries:center-referral-list", kwargs={"center_slug": center.slug}), False),
            (reverse("beneficiaries:case-note-list", kwargs=kw), False),
            (reverse("beneficiaries:case-note-new", kwargs=kw), True),
            (reverse("beneficiaries:case-note-edit", kwargs={**kw, "note_id": note.pk}), True),
            (reverse("beneficiaries:referral-list", kwargs=kw), False),
            (reverse("beneficiaries:referral-new", kwargs=kw), True),
            (reverse("beneficiaries:referral-detail", kwargs={**kw, "referral_id": referral.pk}), True)]


def _jalali_today() -> str:
    return to_persian_digits(jdatetime.date.fromgregorian(date=TODAY()).strftime("%Y/%m/%d"))


def _note_form(**extra):
    data = {"kind": "phone_call", "noted_on": _jalali_today(),
            "text": "تماس تلفنی؛ نوبت پزشک گرفته شد.", "follow_up_on": ""}
    data.update(extra)
    return data


def test_outsider_gets_404_on_every_page_and_post(client, world, center, household, note, referral):
    login(client, world.trustee(license_center(world.center()), BoardRole.SOCIAL_WORK_OFFICER))
    for url, takes_post in _urls(center, household, note, referral):
        assert client.get(url).status_code == 404, url
        if takes_post:
            assert client.post(url, {"text": "x", "reason": "x", "to_status": "done"}).status_code == 404, url
    with scopes_disabled():
        assert CaseNote.objects.count() == 1 and Referral.objects.get().status == "sent"


@pytest.mark.parametrize("role", [BoardRole.FINANCE_OFFICER, BoardRole.HEALTH_OFFICER, BoardRole.EMPLOYMENT_OFFICER,
                                  BoardRole.DONOR_RELATIONS_WOMEN])
def test_finance_and_aid_officers_get_403_and_see_no_note(client, world, center, household, note, referral, role):
    login(client, world.trustee(center, role))
    for url, takes_post in _urls(center, household, note, referral):
        response = client.get(url)
        assert response.status_code == 403, url
        assert SECRET not in response.content.decode()
        if takes_post:
            assert client.post(url, {"text": "x", "reason": "x", "to_status": "done"}).status_code == 403, url
    detail = client.get(reverse("beneficiaries:household-detail",
                                kwargs={"center_slug": center.slug, "household_id": household.pk}))
    if role != BoardRole.DONOR_RELATIONS_WOMEN:  # they see the household itself, not its social work
        assert detail.status_code == 200
        body = detail.content.decode()
        assert "پروانه" in body and SECRET not in body
        assert reverse("beneficiaries:case-note-list", kwargs={"center_slug": center.slug,
                                                               "household_id": household.pk}) not in body


def test_social_worker_writes_a_note_and_sees_it_listed(client, center, household, social_worker):
    login(client, social_worker)
    kw = {"center_slug": center.slug, "household_id": household.pk}
    detail = client.get(reverse("beneficiaries:household-detail", kwargs=kw)).content.decode()
    assert reverse("beneficiaries:case-note-list", kwargs=kw) in detail
    assert reverse("beneficiaries:referral-list", kwargs=kw) in detail
    url = reverse("beneficiaries:case-note-new", kwargs=kw)
    assert client.get(url).status_code == 200
    response = client.post(url, _note_form(noted_on=_jalali_today(), follow_up_on="۱۵۰۰/۰۱/۰۱"))
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        saved = CaseNote.objects.get()
    assert (saved.kind, saved.noted_on, saved.author) == ("phone_call", TODAY(), social_worker)
    listing = client.get(reverse("beneficiaries:case-note-list", kwargs=kw))
    assert "no-store" in listing["Cache-Control"]
    assert "نوبت پزشک" in listing.content.decode()
    # A future date is a form error, not a 500, and nothing more is stored.
    refused = client.post(url, _note_form(noted_on="۱۵۰۰/۰۱/۰۱"))
    assert refused.status_code == 400
    with scopes_disabled():
        assert CaseNote.objects.count() == 1


def test_same_day_edit_then_only_a_correction(client, center, household, social_worker, note):
    login(client, social_worker)
    kw = {"center_slug": center.slug, "household_id": household.pk}
    edit = reverse("beneficiaries:case-note-edit", kwargs={**kw, "note_id": note.pk})
    assert client.post(edit, _note_form(noted_on=_jalali_today(), text="ویرایش همان روز")).status_code == 302
    note.refresh_from_db()
    assert note.text == "ویرایش همان روز"
    _age(note)
    sent = client.get(edit)
    assert sent.status_code == 302 and sent["Location"].endswith(f"/notes/new/?corrects={note.pk}")
    assert client.post(edit, _note_form(text="دستکاری")).status_code == 302
    note.refresh_from_db()
    assert note.text == "ویرایش همان روز"
    new = reverse("beneficiaries:case-note-new", kwargs=kw)
    assert "ویرایش همان روز" in client.get(f"{new}?corrects={note.pk}").content.decode()
    assert client.post(new, {**_note_form(noted_on=_jalali_today(), text="اصلاحیه"),
                             "corrects": str(note.pk)}).status_code == 302
    with scopes_disabled():
        assert CaseNote.objects.get(text="اصلاحیه").corrects_id == note.pk
    assert client.get(f"{new}?corrects=abc").status_code == 404
    assert client.get(f"{new}?corrects=999999999").status_code == 404


def test_referral_pages_record_answers_and_list_the_overdue(client, world, center, household, social_worker,
                                                           referral):
    login(client, social_worker)
    kw = {"center_slug": center.slug, "household_id": household.pk}
    overview = client.get(reverse("beneficiaries:center-referral-list", kwargs={"center_slug": center.slug}))
    assert overview.status_code == 200
    body = overview.content.decode()
    assert body.count(reverse("beneficiaries:referral-detail", kwargs={**kw, "referral_id": referral.pk})) == 2
    assert to_persian_digits("40") in body  # days waiting
    response = client.post(reverse("beneficiaries:referral-new", kwargs=kw), {
        "body": "other", "body_name": "", "reason": "معرفی به خیریه", "referred_on": _jalali_today()})
    assert response.status_code == 400  # another body needs its name: a form error
    detail = reverse("beneficiaries:referral-detail", kwargs={**kw, "referral_id": referral.pk})
    assert client.post(detail, {"to_status": "done", "changed_on": _jalali_today(), "outcome": ""}).status_code == 400
    assert client.post(detail, {"to_status": "accepted", "changed_on": _jalali_today(), "note": "پذیرفته شد",
                                "outcome": ""}).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.status_changed_on) == ("accepted", TODAY())
    overview = client.get(reverse("beneficiaries:center-referral-list", kwargs={"center_slug": center.slug}))
    assert overview.content.decode().count(f"/referrals/{referral.pk}/") == 1  # no longer overdue


def test_supervisor_over_the_center_reads_the_social_work(client, world, center, household, note, referral):
    login(client, world.supervisor(level="county"))
    urls = _urls(center, household, note, referral)
    for url, _post in (urls[1], urls[6]):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET in response.content.decode()


def test_nav_shows_households_and_referrals_only_to_those_who_may_open_them(client, world, center):
    page = reverse("centers:center-detail", kwargs={"center_slug": center.slug})
    households = reverse("beneficiaries:household-list", kwargs={"center_slug": center.slug})
    referrals = reverse("beneficiaries:center-referral-list", kwargs={"center_slug": center.slug})
    for role, sees_households, sees_referrals in ((BoardRole.DONOR_RELATIONS_MEN, False, False),
                                                  (BoardRole.PUBLIC_RELATIONS_OFFICER, False, False),
                                                  (BoardRole.FINANCE_OFFICER, True, False),
                                                  (BoardRole.SOCIAL_WORK_OFFICER, True, True)):
        login(client, world.trustee(center, role))
        body = client.get(page).content.decode()
        assert (f'href="{households}"' in body) == sees_households, role
        assert (f'href="{referrals}"' in body) == sees_referrals, role
        assert client.get(households).status_code == (200 if sees_households else 403), role


def test_a_closed_file_is_reopened_from_its_page(client, world, center, vice_chair, household):
    login(client, vice_chair)
    kw = {"center_slug": center.slug, "household_id": household.pk}
    assert client.post(reverse("beneficiaries:household-close", kwargs=kw),
                       {"reason": "خانوار از محله رفت"}).status_code == 302
    detail = client.get(reverse("beneficiaries:household-detail", kwargs=kw)).content.decode()
    reopen = reverse("beneficiaries:household-reopen", kwargs=kw)
    assert reopen in detail
    assert client.post(reopen, {"reason": ""}).status_code == 400
    assert client.post(reopen, {"reason": "خانوار به محله بازگشت"}).status_code == 302
    with scopes_disabled():
        assert Household.objects.get(pk=household.pk).status == "active"
    detail = client.get(reverse("beneficiaries:household-detail", kwargs=kw)).content.decode()
    assert "خانوار از محله رفت" in detail and "خانوار به محله بازگشت" in detail  # the history of the file
    login(client, world.trustee(center, BoardRole.FINANCE_OFFICER))
    assert client.post(reopen, {"reason": "تلاش بی‌اجازه"}).status_code == 403


# --- API ---------------------------------------------------------------------------------------------------

def _token(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def test_api_lists_notes_only_to_social_work_roles(client, world, center, household, note, referral, social_worker):
    finance = _token(world.trustee(center, BoardRole.FINANCE_OFFICER))
    assert client.get("/api/v1/households/", **finance).json()["count"] == 1  # the household, yes
    for prefix in ("case-notes", "referrals"):
        assert client.get(f"/api/v1/{prefix}/", **finance).json()["count"] == 0
    assert client.get(f"/api/v1/case-notes/{note.pk}/", **finance).status_code == 404
    mine = _token(social_worker)
    listed = client.get("/api/v1/case-notes/", **mine).json()
    assert [n["text"] for n in listed["results"]] == [SECRET]
    assert client.get(f"/api/v1/referrals/{referral.pk}/", **mine).json()["changes"][0]["to_status"] == "sent"


def test_api_writes_notes_referrals_and_answers_through_the_services(client, world, center, household, social_worker,
                                                                    note):
    mine = _token(social_worker)
    created = client.post("/api/v1/case-notes/", {"household": household.pk, "kind": "follow_up",
                                                  "noted_on": str(TODAY()), "text": "پیگیری", "corrects": note.pk},
                          content_type="application/json", **mine)
    assert created.status_code == 201, created.content
    assert created.json()["corrects"] == note.pk
    future = client.post("/api/v1/case-notes/", {"household": household.pk, "kind": "follow_up",
                                                 "noted_on": str(TODAY() + datetime.timedelta(days=1)), "text": "x"},
                         content_type="application/json", **mine)
    assert future.status_code == 400
    made = client.post("/api/v1/referrals/", {"household": household.pk, "body": "housing",
                                              "reason": "تعمیر سقف", "referred_on": str(TODAY())},
                       content_type="application/json", **mine)
    assert made.status_code == 201, made.content
    answered = client.post(f"/api/v1/referrals/{made.json()['id']}/status/",
                           {"to_status": "declined", "changed_on": str(TODAY()), "outcome": "سهمیه تمام شد"},
                           content_type="application/json", **mine)
    assert answered.status_code == 200, answered.content
    assert [c["to_status"] for c in answered.json()["changes"]] == ["sent", "declined"]
    outsider = _token(world.trustee(license_center(world.center()), BoardRole.SOCIAL_WORK_OFFICER))
    assert client.post("/api/v1/case-notes/", {"household": household.pk, "kind": "other", "noted_on": str(TODAY()),
                                               "text": "x"}, content_type="application/json",
                       **outsider).status_code == 404
    assert client.post(f"/api/v1/referrals/{made.json()['id']}/status/", {"to_status": "done",
                       "changed_on": str(TODAY()), "outcome": "x"}, content_type="application/json",
                       **outsider).status_code == 404
    finance = _token(world.trustee(center, BoardRole.FINANCE_OFFICER))
    assert client.post("/api/v1/case-notes/", {"household": household.pk, "kind": "other", "noted_on": str(TODAY()),
                                               "text": "x"}, content_type="application/json",
                       **finance).status_code in (403, 404)
    with scopes_disabled():
        assert CaseNote.objects.count() == 2


def test_the_may_tag_fails_closed(world, center):
    from centers.templatetags.center_access import may

    chair = actor_for(world.trustee(center, BoardRole.CHAIR), second_factor_passed=True)
    assert may(chair, "view_case_notes", center) is True
    assert may(chair, "no_such_action", center) is False
    assert may(None, "view_case_notes", center) is False
    assert may(chair, "view_case_notes", None) is False
    outsider = actor_for(world.trustee(license_center(world.center()), BoardRole.CHAIR), second_factor_passed=True)
    assert may(outsider, "view_beneficiaries", center) is False


def test_pages_cost_a_constant_number_of_queries(client, world, center, vice_chair, social_worker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fill(n):
        for i in range(n):
            h = register(center, vice_chair, head_code=national_code(500 + len(counted) * 10 + i))
            with scope(center=[center.pk]):
                actor = actor_for(social_worker, second_factor_passed=True)
                old = services.case_note_write(actor=actor, household=h, kind="home_visit", text="بازدید",
                                               noted_on=TODAY() - datetime.timedelta(days=9),
                                               follow_up_on=TODAY() - datetime.timedelta(days=1))
                services.case_note_write(actor=actor, household=h, kind="other", text="اصلاح", noted_on=TODAY(),
                                         corrects=old)
                services.referral_make(actor=actor, household=h, body="welfare", reason="معرفی",
                                       referred_on=TODAY() - datetime.timedelta(days=40))
                for _j in range(n):  # the last household's notes grow too
                    services.case_note_write(actor=actor, household=h, kind="phone_call", text="تماس",
                                             noted_on=TODAY() - datetime.timedelta(days=3), corrects=old)
        return h

    login(client, social_worker)
    counted = []
    for n in (1, 6):
        h = fill(n)
        urls = [reverse("beneficiaries:center-referral-list", kwargs={"center_slug": center.slug}),
                reverse("beneficiaries:case-note-list", kwargs={"center_slug": center.slug, "household_id": h.pk})]
        client.get(urls[0])
        with CaptureQueriesContext(connection) as queries:
            for url in urls:
                assert client.get(url).status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1], counted
