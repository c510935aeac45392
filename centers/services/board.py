"""Writes of the board area: board change requests and their approval, appointment letters, volunteers and
people's files (HackSoft style: keyword-only, typed, atomic).

The rules come from seed 002 (the charity-center service agreement):
- the supervising organisation issues the letters of the chair and the vice-chair (rule 2), the chair issues
  the other trustees' letters in coordination with the organisation (rule 3);
- any change to, or completion of, the board happens with the organisation's knowledge and permission (rule 4);
- a formal employment contract with anyone at a center is forbidden: people serve honorarily (note 2, rule 9).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from centers import access
from centers.models import (
    BoardChangeRequest,
    BoardChangeStep,
    BoardRole,
    Center,
    PersonDocument,
    PersonFile,
    TrusteeAppointment,
    Volunteer,
)
from centers.services.tenancy import appointment_create
from core.jalali import to_jalali

LEADERSHIP_ROLES = frozenset({BoardRole.CHAIR, BoardRole.VICE_CHAIR})
Kind = BoardChangeStep.Kind


# --- board change requests --------------------------------------------------------------------------------

@dataclass(frozen=True)
class StepSpec:
    """One step as the requester describes it: for ``change_role`` ``from_role`` names the seat its holder
    leaves and ``role`` the seat they move to; otherwise ``role`` names the seat concerned."""

    kind: str
    role: str
    user: object | None = None
    from_role: str | None = None


def _active(center: Center) -> dict[str, TrusteeAppointment]:
    return {a.role: a for a in TrusteeAppointment.objects.filter(center=center,
                                                                  status=TrusteeAppointment.Status.ACTIVE)}


def _check_requester(actor: access.Actor, center: Center, roles: set[str]) -> None:
    """Seed 002 rules 2-3: the organisation (a supervisor over the center) proposes the chair and vice-chair;
    the chair proposes the other trustees."""
    access.require(actor, access.Action.MANAGE_BOARD, center)
    if roles & LEADERSHIP_ROLES and not access.may(actor, access.Action.SUPERVISE, center):
        raise ValidationError(_("Only the supervising organisation appoints or changes the chair and the "
                                "vice-chair; ask your supervisor to request this change."), code="leadership")


@transaction.atomic
def board_change_request_create(*, actor: access.Actor, center: Center, reason: str, steps: list[StepSpec],
                                submit: bool = True) -> BoardChangeRequest:
    """Records a board change request with its ordered steps (submitted for approval unless ``submit`` is
    false). The whole resulting board is checked now, and again when the supervisor approves it."""
    if not steps:
        raise ValidationError(_("A change request needs at least one step."), code="empty")
    if not reason.strip():
        raise ValidationError(_("Give the reason for the change."), code="reason")
    active = _active(center)
    roles: set[str] = set()
    rows = []
    for position, spec in enumerate(steps, start=1):
        if spec.kind not in Kind.values or spec.role not in BoardRole.values:
            raise ValidationError(_("Unknown step."), code="step")
        target = None
        if spec.kind in (Kind.REPLACE, Kind.REMOVE, Kind.CHANGE_ROLE):
            seat = spec.from_role if spec.kind == Kind.CHANGE_ROLE else spec.role
            if seat not in BoardRole.values:
                raise ValidationError(_("Step %(n)s: choose the role its holder leaves."),
                                      params={"n": position}, code="from_role")
            target = active.get(seat)
            if target is None:
                raise ValidationError(_("Step %(n)s: nobody holds the role %(role)s now."),
                                      params={"n": position, "role": BoardRole(seat).label}, code="vacant")
            roles.add(target.role)
        if spec.kind in (Kind.ADD, Kind.REPLACE) and spec.user is None:
            raise ValidationError(_("Step %(n)s: choose the person to appoint."), params={"n": position},
                                  code="person")
        roles.add(spec.role)
        rows.append(BoardChangeStep(center=center, position=position, kind=spec.kind, role=spec.role,
                                    user=spec.user if spec.kind in (Kind.ADD, Kind.REPLACE) else None,
                                    target=target))
    _check_requester(actor, center, roles)
    change = BoardChangeRequest.objects.create(
        center=center, requested_by=actor.user, reason=reason.strip(),
        status=BoardChangeRequest.Status.SUBMITTED if submit else BoardChangeRequest.Status.DRAFT,
        submitted_at=timezone.now() if submit else None)
    for row in rows:
        row.request = change
    BoardChangeStep.objects.bulk_create(rows)
    BoardChangeManager(change).validate()
    return change


@transaction.atomic
def board_change_request_submit(*, actor: access.Actor, change: BoardChangeRequest) -> BoardChangeRequest:
    """Sends a draft to the supervisor."""
    _check_requester(actor, change.center, {s.role for s in change.steps.all()})
    if change.status != BoardChangeRequest.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."), code="status")
    change.status = BoardChangeRequest.Status.SUBMITTED
    change.submitted_at = timezone.now()
    change.save(update_fields=["status", "submitted_at"])
    return change


@transaction.atomic
def board_change_request_withdraw(*, actor: access.Actor, change: BoardChangeRequest) -> BoardChangeRequest:
    """The requester (or a supervisor) takes back a request that is not decided yet."""
    access.require(actor, access.Action.MANAGE_BOARD, change)
    if actor.user != change.requested_by and not access.may(actor, access.Action.SUPERVISE, change):
        raise PermissionDenied
    if not change.is_open:
        raise ValidationError(_("This request has already been decided."), code="status")
    change.status = BoardChangeRequest.Status.WITHDRAWN
    change.save(update_fields=["status"])
    return change


def _decide(actor: access.Actor, change: BoardChangeRequest) -> BoardChangeRequest:
    access.require(actor, access.Action.SUPERVISE, change)
    # Lock the request: two supervisors deciding at once must not both apply it.
    change = BoardChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status != BoardChangeRequest.Status.SUBMITTED:
        raise ValidationError(_("Only a request awaiting approval can be decided."), code="status")
    return change


@transaction.atomic
def board_change_request_approve(*, actor: access.Actor, change: BoardChangeRequest, note: str = ""
                                 ) -> BoardChangeRequest:
    """The supervisor's agreement (seed 002 rule 4): applies every step at once, or none of them."""
    change = _decide(actor, change)
    BoardChangeManager(change, approved_by=actor.user).commit()
    change.status = BoardChangeRequest.Status.APPROVED
    change.decided_by = actor.user
    change.decided_at = timezone.now()
    change.decision_note = note.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return change


@transaction.atomic
def board_change_request_reject(*, actor: access.Actor, change: BoardChangeRequest, reason: str
                                ) -> BoardChangeRequest:
    """The supervisor refuses the change; the board stays as it is and the reason is recorded."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for rejecting the request."), code="reason")
    change = _decide(actor, change)
    change.status = BoardChangeRequest.Status.REJECTED
    change.decided_by = actor.user
    change.decided_at = timezone.now()
    change.decision_note = reason.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return change


class BoardChangeManager:
    """Applies a change request's steps as one change (pretix ``OrderChangeManager`` style): it plays every
    step on a copy of the board, refuses the whole change if the resulting board is wrong, and otherwise ends
    and creates appointments in one transaction, so a failure leaves the board exactly as it was."""

    def __init__(self, change: BoardChangeRequest, *, approved_by=None):
        self.change = change
        self.center = change.center
        self.approved_by = approved_by
        self.steps = list(change.steps.select_related("target", "user").order_by("position"))

    def _play(self, seats: dict[str, int | None]) -> list[tuple[BoardChangeStep, str]]:
        """Plays the steps on ``seats`` (role -> user id), returns the errors found."""
        errors = []
        for step in self.steps:
            target = step.target
            if target is not None and (target.status != TrusteeAppointment.Status.ACTIVE
                                       or seats.get(target.role) != target.user_id):
                errors.append((step, _("the appointment it changes is no longer current")))
                continue
            if step.kind in (Kind.REMOVE, Kind.REPLACE, Kind.CHANGE_ROLE):
                seats[target.role] = None
            if step.kind in (Kind.ADD, Kind.CHANGE_ROLE) and seats.get(step.role) is not None:
                errors.append((step, _("the role is already held; replace its holder instead")))
                continue
            if step.kind == Kind.ADD:
                seats[step.role] = step.user_id
            elif step.kind == Kind.REPLACE:
                seats[step.role] = step.user_id
            elif step.kind == Kind.CHANGE_ROLE:
                seats[step.role] = target.user_id
        return errors

    def validate(self) -> None:
        seats = {role: a.user_id for role, a in _active(self.center).items()}
        errors = self._play(seats)
        if errors:
            raise ValidationError([
                ValidationError(_("Step %(n)s (%(step)s): %(problem)s."),
                                params={"n": step.position, "step": step, "problem": problem}, code="board")
                for step, problem in errors])

    @transaction.atomic
    def commit(self) -> list[TrusteeAppointment]:
        # Lock the center's active appointments so a concurrent change cannot slip between check and write.
        list(TrusteeAppointment.objects.select_for_update().filter(
            center=self.center, status=TrusteeAppointment.Status.ACTIVE))
        self.validate()
        today = timezone.localdate()
        created = []
        for step in self.steps:
            if step.target is not None:
                ended = TrusteeAppointment.objects.get(pk=step.target_id)
                ended.status = TrusteeAppointment.Status.ENDED
                ended.ends_on = max(today, ended.starts_on)
                ended.end_reason = str(_("Board change #%(number)s") % {"number": self.change.pk})
                ended.save(update_fields=["status", "ends_on", "end_reason"])
            user = step.user if step.kind in (Kind.ADD, Kind.REPLACE) else (
                step.target.user if step.kind == Kind.CHANGE_ROLE else None)
            if user is not None:
                appointment = appointment_create(center=self.center, user=user, role=step.role, starts_on=today)
                appointment.appointed_by = self.change.requested_by
                appointment.change_request = self.change
                appointment.save(update_fields=["appointed_by", "change_request"])
                appointment_letter_number_assign(appointment=appointment)
                created.append(appointment)
        return created


# --- appointment letters (حکم) ----------------------------------------------------------------------------

# The duties of each role, as seed 002 ("responsibilities and limits of authority") lists them.
ROLE_DUTIES: dict[str, list] = {
    BoardRole.CHAIR: [
        _("Planning, organising, coordinating and overseeing the proper conduct of the center's activities."),
        _("Planning and cooperating to identify and use capacities towards the center's goals, "
          "especially employment."),
        _("Planning and cooperating to identify, attract and retain natural and legal-person donors to "
          "develop the center's activities."),
        _("Liaising with the supervising organisation and following up the proper conduct of the tasks "
          "entrusted to the center."),
        _("Planning to promote the good Islamic traditions, especially charity, benevolence, caring for "
          "orphans, altruism, responsibility and collective participation, with an employment approach."),
    ],
    BoardRole.VICE_CHAIR: [
        _("Identifying the truly needy, classifying and prioritising their needs and recording them in the "
          "software."),
        _("Identifying honorary liaisons in proportion to the center's capacity."),
        _("Joint planning with the supervising organisation to provide specialised employment and social "
          "work services to the identified needy."),
        _("Providing social work services to the needy as the supervising organisation prescribes."),
        _("Following up and overseeing employment and empowerment schemes as prescribed."),
        _("Distributing the collected aid among the needy in coordination with the chair and recording it "
          "in the software."),
        _("Informing the public continuously and transparently about the center's work, in coordination "
          "with the chair."),
        _("Reporting on the other core members' work to the chair and the supervising organisation."),
        _("Performing the chair's duties in the chair's absence."),
        _("Preparing financial documents, receipts and payments, and the balance sheet."),
        _("Administrative work: minutes, correspondence and keeping files, letters and documents."),
        _("Keeping a file for every trustee and volunteer."),
    ],
    BoardRole.FINANCE_OFFICER: [
        _("Preparing and proposing the center's yearly financial plan."),
        _("Overseeing and following up banking, accounting and the state of the accounts."),
        _("Overseeing spending in accordance with the relevant laws and regulations."),
    ],
    BoardRole.DONOR_RELATIONS_MEN: [
        _("Identifying specialised social and economic capacities and retaining donors in those fields, "
          "towards the center's goals, especially employment."),
        _("Preparing the related documents and reports."),
        _("Reporting transparently and continuously to donors and volunteers."),
        _("Forming charity, entrepreneurship and empowerment assemblies with guilds and social and "
          "economic groups."),
    ],
    BoardRole.DONOR_RELATIONS_WOMEN: [
        _("Identifying specialised social and economic capacities and retaining donors in those fields, "
          "towards the center's goals, especially employment."),
        _("Preparing the related documents and reports."),
        _("Reporting transparently and continuously to donors and volunteers."),
        _("Forming charity assemblies with guilds and women's social and economic groups."),
        _("Forming the assembly of women charitable entrepreneurs."),
    ],
    BoardRole.ORGANIZATIONS_OFFICER: [
        _("Identifying and using the capacities of governmental and non-governmental bodies towards the "
          "center's goals, especially employment."),
        _("Connecting and coordinating the assemblies with one another around the center and the supervising "
          "organisation, especially for the employment of the needy."),
        _("Preparing reports and documents on the work of charities, organisations and assemblies towards "
          "the center's goals."),
        _("Promoting good traditions, especially charity, benevolence, caring for orphans, altruism, "
          "responsibility and collective participation."),
        _("Forming the assembly of organisations and charities at the center."),
    ],
}
# The optional officers: seed 002 names their field of work, not a list of duties.
OPTIONAL_ROLE_DUTY = _("Planning, following up and reporting the center's affairs in the field of "
                       "%(field)s, in coordination with the chair of the board of trustees.")
OPTIONAL_ROLE_FIELDS = {
    BoardRole.PARTICIPATION_OFFICER: _("zakat, alms and donations"),
    BoardRole.ORPHAN_SPONSORSHIP_OFFICER: _("orphan sponsorship (Ekram) and family sponsorship (Mohsenin)"),
    BoardRole.DOWRY_MARRIAGE_OFFICER: _("dowry and marriage"),
    BoardRole.QARD_HASAN_OFFICER: _("interest-free loans"),
    BoardRole.SOCIAL_WORK_OFFICER: _("social work"),
    BoardRole.EMPLOYMENT_OFFICER: _("employment and entrepreneurship"),
    BoardRole.CULTURE_EDUCATION_OFFICER: _("culture and education"),
    BoardRole.HEALTH_OFFICER: _("health and treatment"),
    BoardRole.HOUSING_OFFICER: _("housing and construction"),
    BoardRole.PUBLIC_RELATIONS_OFFICER: _("public relations and information"),
}


def role_duties(role: str) -> list[str]:
    if role in ROLE_DUTIES:
        return [str(d) for d in ROLE_DUTIES[role]]
    return [str(OPTIONAL_ROLE_DUTY % {"field": OPTIONAL_ROLE_FIELDS[role]})]


@transaction.atomic
def appointment_letter_number_assign(*, appointment: TrusteeAppointment) -> TrusteeAppointment:
    """Gives an appointment its letter number, e.g. ``1405/ISF-JAME/0007``: the Jalali year of its start,
    the center, and a sequence per center and year. Kept once assigned."""
    if appointment.letter_number:
        return appointment
    Center.objects.select_for_update().filter(pk=appointment.center_id).first()  # serialise numbering
    year = to_jalali(appointment.starts_on).year
    last = (TrusteeAppointment.objects.filter(center_id=appointment.center_id, letter_year=year)
            .aggregate(m=Max("letter_seq"))["m"]) or 0
    appointment.letter_year = year
    appointment.letter_seq = last + 1
    appointment.letter_number = f"{year}/{appointment.center.slug.upper()}/{last + 1:04d}"
    appointment.save(update_fields=["letter_year", "letter_seq", "letter_number"])
    return appointment


def may_download_letter(actor: access.Actor, appointment: TrusteeAppointment) -> bool:
    """The appointee and the supervisors over the center."""
    return (actor.user is not None and appointment.user_id == actor.user.pk) or access.may(
        actor, access.Action.SUPERVISE, appointment)


def appointment_letter_issue(*, actor: access.Actor, appointment: TrusteeAppointment
                             ) -> tuple[str, str, bytes]:
    """Checks who asks, numbers the letter if it has no number yet, and renders it."""
    access.require(actor, access.Action.VIEW, appointment)
    if not may_download_letter(actor, appointment):
        raise PermissionDenied
    appointment_letter_number_assign(appointment=appointment)
    return appointment_letter_render(appointment=appointment)


def appointment_letter_render(*, appointment: TrusteeAppointment) -> tuple[str, str, bytes]:
    """The appointment letter as a Persian, right-to-left PDF: ``(filename, content_type, bytes)``."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from core.digits import to_persian_digits

    center = appointment.center
    fonts = Path(settings.BASE_DIR) / "static" / "fonts" / "vazirmatn"
    leadership = appointment.role in LEADERSHIP_ROLES
    chair = None
    if not leadership:
        chair = (TrusteeAppointment.objects.filter(center=center, role=BoardRole.CHAIR,
                                                   status=TrusteeAppointment.Status.ACTIVE)
                 .select_related("user").first())
    with translation.override("fa"):
        j = to_jalali(appointment.starts_on)
        context = {
            "appointment": appointment,
            "center": center,
            "organization": center.organization,
            "leadership": leadership,
            "chair": chair,
            "person": appointment.user.get_full_name() or appointment.user.username,
            "role": appointment.get_role_display(),
            "duties": role_duties(appointment.role),
            "letter_number": to_persian_digits(appointment.letter_number),
            "date": to_persian_digits(f"{j.year}/{j.month:02d}/{j.day:02d}"),
            "font_regular": (fonts / "Vazirmatn-Regular.ttf").as_uri(),
            "font_bold": (fonts / "Vazirmatn-Bold.ttf").as_uri(),
        }
        html = render_to_string("centers/board/letter.html", context)
        css = render_to_string("centers/board/letter.css", context)
    # @font-face rules only take effect through a FontConfiguration shared by the stylesheet and the render.
    font_config = FontConfiguration()
    pdf = HTML(string=html, base_url=str(fonts)).write_pdf(
        stylesheets=[CSS(string=css, font_config=font_config)], font_config=font_config)
    filename = f"appointment-letter-{appointment.letter_number.replace('/', '-') or appointment.pk}.pdf"
    return filename, "application/pdf", pdf


# --- volunteers and people's files --------------------------------------------------------------------------

VOLUNTEER_FIELDS = ("name", "gender", "mobile", "skills", "networks", "since", "active", "user")


@transaction.atomic
def volunteer_save(*, actor: access.Actor, center: Center, volunteer: Volunteer | None = None,
                   data: dict) -> Volunteer:
    """Adds or edits an honorary volunteer (seed 002 note 1) and opens their file."""
    access.require(actor, access.Action.MANAGE_VOLUNTEERS, center)
    if volunteer is not None and volunteer.center_id != center.pk:
        raise PermissionDenied
    volunteer = volunteer or Volunteer(center=center)
    for name in VOLUNTEER_FIELDS:
        if name in data:
            setattr(volunteer, name, data[name])
    volunteer.full_clean()
    volunteer.save()
    PersonFile.objects.get_or_create(center=center, volunteer=volunteer, defaults={
        "mobile": volunteer.mobile, "skills": volunteer.skills, "networks": volunteer.networks})
    return volunteer


@transaction.atomic
def person_file_open(*, actor: access.Actor, appointment: TrusteeAppointment) -> PersonFile:
    """Opens (or returns) the file of a trustee at their center (seed 002: the vice-chair keeps one per
    trustee and volunteer)."""
    access.require(actor, access.Action.MANAGE_VOLUNTEERS, appointment)
    person_file, _created = PersonFile.objects.get_or_create(center=appointment.center, user=appointment.user)
    return person_file


PERSON_FILE_FIELDS = ("mobile", "address", "skills", "networks", "notes")


@transaction.atomic
def person_file_update(*, actor: access.Actor, person_file: PersonFile, data: dict) -> PersonFile:
    access.require(actor, access.Action.MANAGE_VOLUNTEERS, person_file)
    for name in PERSON_FILE_FIELDS:
        if name in data:
            setattr(person_file, name, data[name])
    person_file.full_clean()
    person_file.save()
    return person_file


@transaction.atomic
def person_document_add(*, actor: access.Actor, person_file: PersonFile, title: str, file) -> PersonDocument:
    access.require(actor, access.Action.MANAGE_VOLUNTEERS, person_file)
    document = PersonDocument(center_id=person_file.center_id, person_file=person_file, title=title, file=file)
    document.full_clean()
    document.save()
    return document


def due_date(change: BoardChangeRequest) -> datetime.date | None:
    """Supervisors answer a board change within two weeks of its submission."""
    if change.submitted_at is None:
        return None
    return timezone.localdate(change.submitted_at) + datetime.timedelta(days=14)
