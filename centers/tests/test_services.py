import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from centers.models import BoardRole, TrusteeAppointment
from centers.services.tenancy import appointment_create
from centers.tasks import notify_appointment

pytestmark = pytest.mark.django_db


def test_notice_is_queued_only_when_the_transaction_commits(world, django_capture_on_commit_callbacks):
    center = world.center()
    with scope(center=[center.pk]), django_capture_on_commit_callbacks(execute=False) as callbacks:
        appointment_create(center=center, user=world.user(), role=BoardRole.CHAIR)
    assert len(callbacks) == 1
    assert mail.outbox == []  # nothing was sent before the commit


def test_committed_appointment_sends_the_notice(world, django_capture_on_commit_callbacks):
    center = world.center(name="مرکز نیکوکاری مسجد نور")
    user = world.user(email="trustee@example.org")
    with scope(center=[center.pk]), django_capture_on_commit_callbacks(execute=True):
        appointment_create(center=center, user=user, role=BoardRole.VICE_CHAIR)
    assert [m.to for m in mail.outbox] == [["trustee@example.org"]]
    assert "مرکز نیکوکاری مسجد نور" in mail.outbox[0].body


def test_a_role_has_one_holder_at_a_time(world):
    center = world.center()
    world.trustee(center, BoardRole.CHAIR)
    with scope(center=[center.pk]), pytest.raises(ValidationError):
        appointment_create(center=center, user=world.user(), role=BoardRole.CHAIR)


def test_tenant_task_needs_a_center(world):
    with pytest.raises(TypeError):
        notify_appointment.apply(kwargs={"appointment_id": 1}).get()


def test_tenant_task_sees_only_its_own_centers_rows(world):
    mine, other = world.center(), world.center()
    user = world.trustee(other)
    with scopes_disabled():
        theirs = TrusteeAppointment.objects.get(user=user)
    # Run for "mine", the other center's appointment is out of scope: the task finds nothing to send.
    assert notify_appointment.apply(kwargs={"center_id": mine.pk, "appointment_id": theirs.pk}).get() is False
    assert notify_appointment.apply(kwargs={"center_id": other.pk, "appointment_id": theirs.pk}).get() is True
