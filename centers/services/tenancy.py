"""Writes about centers and their boards (HackSoft style: keyword-only, typed, atomic)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from centers.models import Center, TrusteeAppointment


@transaction.atomic
def appointment_create(*, center: Center, user, role: str, starts_on: datetime.date | None = None
                       ) -> TrusteeAppointment:
    """Appoints ``user`` to ``role`` on ``center``'s board and tells them by email, once committed.

    The supervisor-approved board change flow (issue 3) will call this for each of its steps.
    """
    appointment = TrusteeAppointment(center=center, user=user, role=role,
                                     starts_on=starts_on or timezone.localdate())
    appointment.full_clean()
    appointment.save()
    from centers.tasks import notify_appointment

    notify_appointment.enqueue(center_id=center.pk, appointment_id=appointment.pk)
    return appointment
