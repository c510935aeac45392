from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from centers.models import TrusteeAppointment
from core.tasks import TenantTask


@shared_task(base=TenantTask, bind=True)
def notify_appointment(self, *, center_id: int, appointment_id: int) -> bool:
    """Emails a new trustee that they hold a role on a center's board. Runs inside the center's scope."""
    appointment = (TrusteeAppointment.objects.select_related("center", "user")
                   .filter(pk=appointment_id, center_id=center_id).first())
    if appointment is None or not appointment.user.email:
        return False
    with translation.override("fa"):
        body = render_to_string("centers/email/appointment.txt", {"appointment": appointment})
        subject = render_to_string("centers/email/appointment_subject.txt", {"appointment": appointment}).strip()
    send_mail(subject, body, None, [appointment.user.email])
    return True
