"""Appointment letters: a Persian PDF with the appointee, the role, its duties and a per-center number."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django_scopes import scope

from centers.models import BoardRole, TrusteeAppointment
from centers.services import board as services

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "letters"


def _pdf_text(content: bytes, tmp_path) -> str:
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(content)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def _words_present(text: str, phrase: str) -> bool:
    # pdftotext may give right-to-left text in visual order, with punctuation moved; each word must still
    # appear whole.
    words = [w.strip("،.؛:") for w in phrase.split()]
    return all(word in text or word[::-1] in text for word in words if word)


def test_letter_names_the_appointee_and_role_and_lists_the_duties(world, tmp_path):
    center = world.center(slug="isf-jame", name="مرکز نیکوکاری مسجد جامع")
    world.trustee(center, BoardRole.CHAIR, user=world.user(first_name="حسن", last_name="موسوی"))
    user = world.user(first_name="زهرا", last_name="کریمی")
    world.trustee(center, BoardRole.FINANCE_OFFICER, user=user)
    with scope(center=[center.pk]):
        appointment = TrusteeAppointment.objects.get(center=center, role=BoardRole.FINANCE_OFFICER)
        services.appointment_letter_number_assign(appointment=appointment)
        filename, content_type, content = services.appointment_letter_render(appointment=appointment)
    assert content_type == "application/pdf" and content.startswith(b"%PDF")
    assert appointment.letter_number == "1403/ISF-JAME/0001"
    assert filename == "appointment-letter-1403-ISF-JAME-0001.pdf"
    text = _pdf_text(content, tmp_path)
    assert _words_present(text, "زهرا کریمی")
    assert _words_present(text, "مسئول امور اداری و مالی")
    with translation.override("fa"):  # a duty of the finance officer (seed 002), as the catalog says it
        duty = services.role_duties(BoardRole.FINANCE_OFFICER)[0]
    assert _words_present(text, " ".join(duty.split()[:4]))
    assert _words_present(text, "حسن موسوی")  # the chair issues it
    fonts = subprocess.run(["pdffonts", str(tmp_path / "letter.pdf")], check=True, capture_output=True,
                           text=True).stdout
    assert "Vazirmatn" in fonts, f"the letter must be set in the portal's Persian font:\n{fonts}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (tmp_path / "letter.pdf").write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "letter.pdf"),
                    str(ARTIFACTS / "appointment-letter")], check=True)
    assert (ARTIFACTS / "appointment-letter.png").stat().st_size > 10_000


def test_letter_numbers_run_per_center_and_year(world):
    center = world.center(slug="kashan-fin")
    other = world.center()
    for role in (BoardRole.CHAIR, BoardRole.VICE_CHAIR):
        world.trustee(center, role)
    world.trustee(other, BoardRole.CHAIR)
    with scope(center=[center.pk, other.pk]):
        numbers = [services.appointment_letter_number_assign(appointment=a).letter_number
                   for a in TrusteeAppointment.objects.filter(center=center).order_by("role")]
        first_other = services.appointment_letter_number_assign(
            appointment=TrusteeAppointment.objects.get(center=other))
        again = services.appointment_letter_number_assign(
            appointment=TrusteeAppointment.objects.get(center=center, role=BoardRole.CHAIR))
    assert numbers == ["1403/KASHAN-FIN/0001", "1403/KASHAN-FIN/0002"]
    assert first_other.letter_number.endswith("/0001")
    assert again.letter_number == "1403/KASHAN-FIN/0001"  # kept once assigned


def test_leadership_letters_are_issued_by_the_organisation(world, tmp_path):
    center = world.center()
    world.trustee(center, BoardRole.CHAIR, user=world.user(first_name="علی", last_name="رضایی"))
    with scope(center=[center.pk]):
        appointment = TrusteeAppointment.objects.get(center=center)
        services.appointment_letter_number_assign(appointment=appointment)
        _name, _type, content = services.appointment_letter_render(appointment=appointment)
    text = _pdf_text(content, tmp_path)
    assert _words_present(text, "کمیته امداد")
    assert _words_present(text, "علی رضایی")
    with translation.override("fa"):
        duty = services.role_duties(BoardRole.CHAIR)[3]  # liaising with the organisation
    assert _words_present(text, " ".join(duty.split()[:3]))


def test_every_role_has_duties():
    for role in BoardRole.values:
        assert services.role_duties(role), role
