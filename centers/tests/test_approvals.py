import datetime

import pytest
from django.urls import reverse

from centers import admin as centers_admin
from conftest import login

pytestmark = pytest.mark.django_db


def test_queue_puts_overdue_items_first_then_by_due_date(monkeypatch, world):
    a, b = world.center(name="مرکز الف"), world.center(name="مرکز ب")
    today = datetime.date(2026, 11, 21)
    fake = [
        {"kind": "k", "center": a, "title": "later", "url": "/x", "due": today + datetime.timedelta(days=5),
         "overdue": False},
        {"kind": "k", "center": b, "title": "late", "url": "/y", "due": today - datetime.timedelta(days=1),
         "overdue": True},
        {"kind": "k", "center": a, "title": "undated", "url": "/z", "due": None, "overdue": False},
        {"kind": "k", "center": b, "title": "sooner", "url": "/w", "due": today, "overdue": False},
    ]

    class Area:
        @staticmethod
        def approval_items(actor):
            return fake

    monkeypatch.setattr(centers_admin, "AREAS", (Area,))
    assert [i["title"] for i in centers_admin.approval_items(None)] == ["late", "sooner", "later", "undated"]


def test_queue_page_is_for_verified_supervisors_only(client, world):
    supervisor = world.supervisor(level="province")
    login(client, supervisor, verified=False)
    assert client.get(reverse("admin:approvals")).status_code == 302
    login(client, supervisor)
    response = client.get(reverse("admin:approvals"))
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
    trustee = world.trustee(world.center())
    client.logout()
    login(client, trustee)
    assert client.get(reverse("admin:approvals")).status_code == 302
