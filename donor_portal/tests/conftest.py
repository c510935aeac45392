"""A small world for the donors' pages: one person (mobile M1) known to two organisations, with gifts at a
relief-committee center and a welfare center; another donor (M2) at the first center and a third one."""

import datetime
import json
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from contributions.services.gifts import contribution_record_cash
from contributions.services.ledger import spend
from contributions.tests.conftest import license_center
from donors.models import Donor, DonorLink

M1, M2, UNKNOWN = "09121110001", "09121110002", "09121119999"


@pytest.fixture
def run_on_commit_now(monkeypatch):
    """Runs ``on_commit`` callbacks at once: a test's transaction never commits, and the SMS must be read
    during the test (one test proves separately that nothing is queued before the commit)."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def keep_on_commit():
    """Asked for by a test that checks what happens before the commit: ``on_commit`` keeps its meaning."""


@pytest.fixture(autouse=True)
def sms_file(settings, tmp_path, request):
    """SMS go to this test's own file; the rate limits start from zero."""
    if "keep_on_commit" not in request.fixturenames:
        request.getfixturevalue("run_on_commit_now")
    settings.SMS_BACKEND = "core.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")  # the cache (rate limits) is the test's own: conftest

    def read():
        path = tmp_path / "sms.jsonl"
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []

    yield read


@dataclass
class People:
    a: object
    b: object
    c: object
    d1a: Donor
    d1b: Donor
    d2: Donor
    gifts: dict


def donor(center, mobile, first, last, *, sms=True):
    with scopes_disabled():
        row = Donor.objects.create(organization=center.organization, first_name=first, last_name=last, mobile=mobile,
                                   consent_at=timezone.now() if sms else None, contact_by_sms=sms)
        DonorLink.objects.create(center=center, donor=row)
    return row


def give(center, donor_row, amount, purpose, days_ago=3):
    with scope(center=[center.pk]):
        return contribution_record_cash(center=center, purpose=purpose, amount=amount, donor=donor_row,
                                        received_on=timezone.localdate() - datetime.timedelta(days=days_ago))


@pytest.fixture
def people(world):
    a = license_center(world.center(name="مرکز نیکوکاری الف"))
    b = license_center(world.center(name="پایگاه سلامت ب", organization=world.welfare))
    c = license_center(world.center(name="مرکز نیکوکاری ج"))
    d1a = donor(a, M1, "زهرا", "نیکوکار")
    d1b = donor(b, M1, "زهرا", "نیکوکار")
    d2 = donor(a, M2, "خیر", "دیگری‌محرمانه")
    with scopes_disabled():
        DonorLink.objects.create(center=c, donor=d2)
    gifts = {
        "a_zakat": give(a, d1a, 500_000, "zakat"),
        "a_general": give(a, d1a, 200_000, "general"),
        "b_health": give(b, d1b, 300_000, "health"),
        "a_other": give(a, d2, 900_000, "zakat"),
        "c_other": give(c, d2, 70_000, "general"),
    }
    with scope(center=[a.pk]):
        spend(center=a, purpose="zakat", amount=100_000, aid_purpose="zakat", occurred_on=timezone.localdate())
    return People(a, b, c, d1a, d1b, d2, gifts)


def sign_in(client, mobile, sms_file):
    """The whole login: ask for a code, read it from the SMS file, type it."""
    client.post("/my/login/", {"mobile": mobile})
    code = [m for m in sms_file() if m["to"] == mobile and "code" in m][-1]["code"]
    response = client.post("/my/login/code/", {"code": code})
    assert response.status_code == 302, response.content[:500]
    return client
