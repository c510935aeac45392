"""The demo's social work (seeded through the services, idempotently), the supervisors' admin pages for it, and
the pages in a real browser: right-to-left, Persian digits, no console or CSP error; screenshots saved."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from beneficiaries import crypto
from beneficiaries.demo.households import _code
from beneficiaries.demo.socialwork import SOCIAL_WORK
from beneficiaries.models import CaseNote, Member, Referral
from centers.models import Center
from conftest import login


def _seed(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    return json.loads((tmp_path / "demo-users.json").read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_demo_has_notes_a_correction_and_an_overdue_referral_and_seeds_once(settings, tmp_path, client):
    _seed(settings, tmp_path)
    with scopes_disabled():
        counts = (CaseNote.objects.count(), Referral.objects.count())
        assert counts[0] == sum(len(n) for _s, _d, n, _r in SOCIAL_WORK) + 1  # one correction
        assert counts[1] == sum(len(r) for _s, _d, _n, r in SOCIAL_WORK)
        assert CaseNote.objects.filter(corrects__isnull=False).count() == 1
        limit = timezone.localdate() - datetime.timedelta(days=30)
        assert Referral.objects.filter(status="sent", referred_on__lte=limit).count() == 1
        assert set(Referral.objects.values_list("status", flat=True)) == {"sent", "accepted", "done", "declined"}
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        assert (CaseNote.objects.count(), Referral.objects.count()) == counts
    # The supervisors' admin lists them, read-only.
    from django.contrib.auth import get_user_model

    supervisor = get_user_model().objects.get(username="isfahan-relief-supervisor")
    login(client, supervisor)
    for name in ("casenote", "referral"):
        page = client.get(reverse(f"admin:beneficiaries_{name}_changelist"))
        assert page.status_code == 200
        with scopes_disabled():
            pk = (CaseNote if name == "casenote" else Referral).objects.first().pk
        assert client.get(reverse(f"admin:beneficiaries_{name}_change", args=[pk])).status_code == 200
        assert client.get(reverse(f"admin:beneficiaries_{name}_add")).status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_social_work_pages_in_the_browser(live_server, settings, tmp_path):
    from tests.test_browser import (
        PERSIAN_DIGITS,
        PERSIAN_LETTERS,
        check_page,
        chromium_page,
        require_chromium,
        screenshot,
    )

    require_chromium()
    logins = _seed(settings, tmp_path)
    slug, digits = SOCIAL_WORK[0][0], SOCIAL_WORK[0][1]
    worker = next(x for x in logins if x["username"] in (f"{slug}-social-work-officer", f"{slug}-vice-chair"))
    with scopes_disabled():
        household_id = Member.objects.get(center=Center.objects.get(slug=slug), relation="head",
                                          national_code_index=crypto.blind_index(_code(digits))).household_id
    base = f"{live_server.url}/centers/{slug}"
    with chromium_page(viewport={"width": 1280, "height": 900}) as (page, watched):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", worker["username"])
        page.fill("input[name=password]", worker["password"])
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")
        page.goto(f"{base}/households/{household_id}/notes/")
        check_page(page, watched)
        notes = page.locator("article.case-note")
        assert notes.count() == 3
        assert PERSIAN_DIGITS.search(notes.first.inner_text()) and PERSIAN_LETTERS.search(notes.first.inner_text())
        screenshot(page, "socialwork-notes")
        page.goto(f"{base}/referrals/")
        check_page(page, watched)
        assert page.locator("#overdue + table tbody tr").count() == 1
        screenshot(page, "socialwork-referrals")
        page.goto(f"{base}/households/{household_id}/")
        check_page(page, watched)
        assert page.locator(f"a[href='/centers/{slug}/households/{household_id}/notes/']").count() >= 1
        screenshot(page, "socialwork-household")
