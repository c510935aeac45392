import datetime

import pytest
from django_scopes import scopes_disabled

from centers.models import BoardRole, Decision, TrusteeAppointment
from conftest import login

pytestmark = pytest.mark.django_db
URL = "/api/v1/meetings/"


def _body(center, **extra):
    return {"center": center.pk, "held_on": "2025-05-01", "place": "مسجد", "kind": "regular",
            "minutes": "بررسی برنامه سالانه", "decisions": [{"text": "خرید بسته‌های غذایی", "amount": 50_000_000}],
            **extra}


def test_the_chair_records_a_meeting_with_numbered_decisions(client, world):
    center = world.center()
    chair = world.trustee(center, BoardRole.CHAIR)
    with scopes_disabled():
        seat = TrusteeAppointment.objects.get(user=chair)
    login(client, chair)
    response = client.post(URL, _body(center, attendees=[seat.pk]), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["center"] == center.pk and data["attendees"] == [seat.pk]
    assert data["decisions"][0]["reference"] == "1404/01-1" and data["decisions"][0]["amount"] == 50_000_000
    with scopes_disabled():
        assert Decision.objects.filter(center=center).count() == 1


def test_a_trustee_without_the_minutes_gets_403_and_an_outsider_404(client, world):
    center, other = world.center(), world.center()
    login(client, world.trustee(center, BoardRole.DONOR_RELATIONS_MEN))
    assert client.post(URL, _body(center), content_type="application/json").status_code == 403
    assert client.post(URL, _body(other), content_type="application/json").status_code == 404


def test_a_meeting_in_the_future_or_with_a_foreign_attendee_is_a_400(client, world):
    center, other = world.center(), world.center()
    world.trustee(other, BoardRole.CHAIR)
    with scopes_disabled():
        foreign_seat = TrusteeAppointment.objects.get(center=other).pk
    login(client, world.trustee(center, BoardRole.CHAIR))
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    assert client.post(URL, _body(center, held_on=future), content_type="application/json").status_code == 400
    foreign = client.post(URL, _body(center, attendees=[foreign_seat]), content_type="application/json")
    assert foreign.status_code == 400
