"""Demo data of the board area: volunteers and their files, trustees' files, letter numbers, and three board
change requests per demo center (one awaiting approval, one approved and applied, one rejected)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from centers.management.commands.seed_demo import DEMO_PASSWORD
from centers.models import (
    BoardChangeRequest,
    BoardChangeStep,
    BoardRole,
    Gender,
    Network,
    PersonFile,
    TrusteeAppointment,
    Volunteer,
)
from centers.services import board as services

CENTERS = ["isf-jame", "isf-hakim", "kashan-agha-bozorg", "najafabad-jame"]

# (name, gender, mobile, skills, networks)
VOLUNTEERS = [
    ("سجاد نوروزی", Gender.MALE, "09131234501", "کار با رایانه و بایگانی", [Network.PARTICIPATION]),
    ("مهسا قربانی", Gender.FEMALE, "09131234502", "پرستاری", [Network.SUPPORT_HEALTH]),
    ("یوسف عابدی", Gender.MALE, "09131234503", "وکالت دادگستری", [Network.LEGAL]),
    ("فرزانه صدری", Gender.FEMALE, "09131234504", "آموزش خیاطی", [Network.EMPLOYMENT, Network.CULTURE_EDUCATION]),
    ("کاظم اسدی", Gender.MALE, "09131234505", "بنایی و تأسیسات", [Network.HOUSING_CONSTRUCTION]),
]
START = datetime.date(2024, 4, 1)


def _user(ctx, username, first, last):
    user, _created = get_user_model().objects.update_or_create(username=username, defaults={
        "first_name": first, "last_name": last, "email": f"{username}@demo.charity.local", "is_active": True,
        "password": ctx.password_hash})
    return user


def seed(ctx):
    """Idempotent: brings the demo centers' board records up to date (runs inside scopes_disabled)."""
    for appointment in TrusteeAppointment.objects.filter(center__slug__in=ctx.centers, letter_number="",
                                                         status=TrusteeAppointment.Status.ACTIVE
                                                         ).select_related("center").order_by("pk"):
        services.appointment_letter_number_assign(appointment=appointment)
    for index, slug in enumerate(CENTERS):
        center = ctx.centers.get(slug)
        if center is None:
            continue
        for offset, (name, gender, mobile, skills, networks) in enumerate(VOLUNTEERS):
            if (index + offset) % 5 == 4:
                continue  # not every center has every volunteer
            volunteer, _created = Volunteer.objects.update_or_create(center=center, name=name, defaults={
                "gender": gender, "mobile": mobile, "skills": skills, "networks": list(networks), "since": START})
            PersonFile.objects.update_or_create(center=center, volunteer=volunteer, defaults={
                "mobile": mobile, "skills": skills, "networks": list(networks)})
        for appointment in TrusteeAppointment.objects.filter(center=center, status="active").select_related("user"):
            PersonFile.objects.get_or_create(center=center, user=appointment.user, defaults={
                "networks": [Network.PARTICIPATION]})
        officer_name = f"{slug}-public-relations-officer"
        ctx.logins.append({"username": officer_name, "password": DEMO_PASSWORD,
                           "role": str(BoardRole.PUBLIC_RELATIONS_OFFICER), "center_slug": slug})
        if BoardChangeRequest.objects.filter(center=center).exists():
            continue
        chair = TrusteeAppointment.objects.get(center=center, role=BoardRole.CHAIR, status="active").user
        now = timezone.now()
        candidate = _user(ctx, f"{slug}-candidate", "نرگس", "امیری")
        # Approved and applied: a public relations officer joined the board.
        approved = BoardChangeRequest.objects.create(
            center=center, requested_by=chair, status=BoardChangeRequest.Status.SUBMITTED, submitted_at=now,
            reason="گسترش اطلاع‌رسانی فعالیت‌های مرکز")
        officer = _user(ctx, officer_name, "امیر", "توکلی")
        BoardChangeStep.objects.create(center=center, request=approved, position=1, kind="add",
                                       role=BoardRole.PUBLIC_RELATIONS_OFFICER, user=officer)
        services.BoardChangeManager(approved).commit()
        supervisor = ctx.users.get("isfahan-relief-supervisor")
        BoardChangeRequest.objects.filter(pk=approved.pk).update(
            status=BoardChangeRequest.Status.APPROVED, decided_by=supervisor, decided_at=now,
            decision_note="با توجه به نیاز مرکز موافقت می‌شود.")
        # Rejected: adding a housing officer without a clear plan.
        rejected = BoardChangeRequest.objects.create(
            center=center, requested_by=chair, status=BoardChangeRequest.Status.REJECTED, submitted_at=now,
            decided_by=supervisor, decided_at=now, reason="تشکیل واحد مسکن",
            decision_note="برنامه مشخصی برای امور مسکن ارائه نشده است.")
        BoardChangeStep.objects.create(center=center, request=rejected, position=1, kind="add",
                                       role=BoardRole.HOUSING_OFFICER, user=candidate)
        # Awaiting approval: an employment officer.
        pending = BoardChangeRequest.objects.create(
            center=center, requested_by=chair, status=BoardChangeRequest.Status.SUBMITTED, submitted_at=now,
            reason="پیگیری طرح‌های اشتغال نیازمندان محله")
        BoardChangeStep.objects.create(center=center, request=pending, position=1, kind="add",
                                       role=BoardRole.EMPLOYMENT_OFFICER, user=candidate)
