"""Trustee pages of the board area: board change requests, appointment letters, volunteers, people's files.

Each view asks ``centers.access`` (through the services), validates its form, calls one service and renders.
A service's refusal (``ValidationError``) is shown on the page, never as an error page.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centers import access, selectors
from centers.models import (
    BoardChangeRequest,
    BoardChangeStep,
    BoardRole,
    Gender,
    Network,
    PersonDocument,
    PersonFile,
    TrusteeAppointment,
    Volunteer,
)
from centers.services import board as services
from core.forms import JalaliDateField, MobileField

from .tenancy import staff_page

Action = access.Action

# --- forms ------------------------------------------------------------------------------------------------


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Change"), choices=[("", "—"), *BoardChangeStep.Kind.choices],
                             required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *BoardRole.choices], required=False)
    username = forms.CharField(label=_("Username of the person to appoint"), max_length=150, required=False)
    from_role = forms.ChoiceField(label=_("Role the person leaves (only when moving to another role)"),
                                  choices=[("", "—"), *BoardRole.choices], required=False)

    def clean(self):
        data = super().clean()
        if not data.get("kind"):
            return data
        if not data.get("role"):
            self.add_error("role", _("Choose the role."))
        if data["kind"] in (BoardChangeStep.Kind.ADD, BoardChangeStep.Kind.REPLACE):
            user = get_user_model().objects.filter(username=data.get("username", "").strip(),
                                                   is_active=True).first()
            if user is None:
                self.add_error("username", _("No active user has this username."))
            data["user"] = user
        if data["kind"] == BoardChangeStep.Kind.CHANGE_ROLE and not data.get("from_role"):
            self.add_error("from_role", _("Choose the role the person leaves."))
        return data

    def spec(self) -> services.StepSpec | None:
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        return services.StepSpec(kind=data["kind"], role=data["role"], user=data.get("user"),
                                 from_role=data.get("from_role") or None)


StepFormSet = forms.formset_factory(StepForm, extra=3, max_num=10)


class ChangeRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))],
                                 widget=forms.HiddenInput)
    note = forms.CharField(label=_("Decision note (required when rejecting)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class VolunteerForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    mobile = MobileField(label=_("Mobile"), required=False)
    skills = forms.CharField(label=_("Skills"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    networks = forms.MultipleChoiceField(label=_("Specialised networks"), choices=Network.choices,
                                         widget=forms.CheckboxSelectMultiple, required=False)
    since = JalaliDateField(label=_("Volunteering since"))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class PersonFileForm(forms.Form):
    mobile = MobileField(label=_("Mobile"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    skills = forms.CharField(label=_("Skills"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    networks = forms.MultipleChoiceField(label=_("Specialised networks"), choices=Network.choices,
                                         widget=forms.CheckboxSelectMultiple, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=150)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 5 MB)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        head = upload.read(8)
        upload.seek(0)
        # The extension is checked by the model; the first bytes must agree with it.
        if not (head.startswith(b"%PDF") or head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff")):
            raise ValidationError(_("Upload a PDF, JPEG or PNG file."), code="type")
        return upload


def _apply_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


# --- board change requests ----------------------------------------------------------------------------------


def _change_or_404(actor, center, pk) -> BoardChangeRequest:
    change = BoardChangeRequest.objects.filter(pk=pk, center=center).select_related(
        "requested_by", "decided_by").first()
    access.require(actor, Action.VIEW, change)
    return change


@require_GET
@staff_page
def board_changes(request, center_slug):
    actor = request.actor
    center = access.center_by_slug(actor, center_slug)
    changes = BoardChangeRequest.objects.filter(center=center).select_related("requested_by")
    board = list(selectors.board(center))
    files = {f.user_id: f.pk for f in PersonFile.objects.filter(center=center, user__isnull=False)}
    for appointment in board:
        appointment.may_download = services.may_download_letter(actor, appointment)
        appointment.file_pk = files.get(appointment.user_id)
    return render(request, "centers/board/changes.html", {
        "center": center,
        "board": board,
        "pending": [c for c in changes if c.is_open],
        "decided": [c for c in changes if not c.is_open],
        "may_request": access.may(actor, Action.MANAGE_BOARD, center),
        "may_manage_people": access.may(actor, Action.MANAGE_VOLUNTEERS, center),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def board_change_new(request, center_slug):
    actor = request.actor
    center = access.center_by_slug(actor, center_slug)
    access.require(actor, Action.MANAGE_BOARD, center)
    form = ChangeRequestForm(request.POST or None)
    steps = StepFormSet(request.POST or None, prefix="step")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        specs = [s for s in (f.spec() for f in steps) if s is not None]
        try:
            change = services.board_change_request_create(actor=actor, center=center, steps=specs,
                                                          reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The change request was sent to the supervisor."))
            return redirect("centers:board-change-detail", center_slug=center.slug, change_pk=change.pk)
    return render(request, "centers/board/change_form.html", {
        "center": center, "form": form, "steps": steps,
        "is_supervisor": access.may(actor, Action.SUPERVISE, center),
    }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@staff_page
def board_change_detail(request, center_slug, change_pk):
    actor = request.actor
    center = access.center_by_slug(actor, center_slug)
    change = _change_or_404(actor, center, change_pk)
    may_decide = access.may(actor, Action.SUPERVISE, center)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if "withdraw" in request.POST:
            try:
                services.board_change_request_withdraw(actor=actor, change=change)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect("centers:board-change-detail", center_slug=center.slug, change_pk=change.pk)
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            note = form.cleaned_data["note"]
            try:
                if form.cleaned_data["decision"] == "approve":
                    services.board_change_request_approve(actor=actor, change=change, note=note)
                    messages.success(request, _("The change was approved and applied to the board."))
                else:
                    services.board_change_request_reject(actor=actor, change=change, reason=note)
                    messages.success(request, _("The change request was rejected."))
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return redirect("centers:board-change-detail", center_slug=center.slug, change_pk=change.pk)
        status = 400
    return render(request, "centers/board/change_detail.html", {
        "center": center, "change": change, "form": form, "may_decide": may_decide,
        "steps": change.steps.select_related("user", "target__user"),
        "may_withdraw": change.is_open and (actor.user == change.requested_by or may_decide),
        "appointments": change.appointments.select_related("user"),
    }, status=status)


@require_GET
@staff_page
def appointment_letter(request, center_slug, appointment_pk):
    actor = request.actor
    center = access.center_by_slug(actor, center_slug)
    appointment = TrusteeAppointment.objects.filter(pk=appointment_pk, center=center).select_related(
        "user", "center__organization", "center__county").first()
    filename, content_type, content = services.appointment_letter_issue(actor=actor, appointment=appointment)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- volunteers and people's files ------------------------------------------------------------------------


@require_GET
@staff_page
def volunteers(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.MANAGE_VOLUNTEERS, center)
    return render(request, "centers/board/volunteers.html", {
        "center": center,
        "volunteers": Volunteer.objects.filter(center=center).select_related("person_file"),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def volunteer_edit(request, center_slug, volunteer_pk=None):
    actor = request.actor
    center = access.center_by_slug(actor, center_slug)
    volunteer = None
    if volunteer_pk is not None:
        volunteer = Volunteer.objects.filter(pk=volunteer_pk, center=center).first()
        access.require(actor, Action.VIEW, volunteer)
    access.require(actor, Action.MANAGE_VOLUNTEERS, center)
    initial = {f: getattr(volunteer, f) for f in ("name", "gender", "mobile", "skills", "networks", "since",
                                                  "active")} if volunteer else {"active": True}
    form = VolunteerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_save(actor=actor, center=center, volunteer=volunteer, data=form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The volunteer was saved."))
            return redirect("centers:volunteers", center_slug=center.slug)
    return render(request, "centers/board/volunteer_form.html", {
        "center": center, "form": form, "volunteer": volunteer,
    }, status=400 if request.method == "POST" else 200)


@staff_page
@require_POST
def person_file_open(request, center_slug, appointment_pk):
    center = access.center_by_slug(request.actor, center_slug)
    appointment = TrusteeAppointment.objects.filter(pk=appointment_pk, center=center).first()
    person_file = services.person_file_open(actor=request.actor, appointment=appointment)
    return redirect("centers:person-file", center_slug=center.slug, file_pk=person_file.pk)


def _person_file(actor, center, pk) -> PersonFile:
    person_file = PersonFile.objects.filter(pk=pk, center=center).select_related("user", "volunteer").first()
    access.require(actor, Action.MANAGE_VOLUNTEERS, person_file)
    return person_file


@require_http_methods(["GET", "POST"])
@staff_page
def person_file(request, center_slug, file_pk):
    actor = request.actor
    center = access.center_by_slug(actor, center_slug)
    pf = _person_file(actor, center, file_pk)
    form = PersonFileForm(request.POST if "save" in request.POST else None, initial={
        f: getattr(pf, f) for f in services.PERSON_FILE_FIELDS})
    document_form = DocumentForm(request.POST if "upload" in request.POST else None,
                                 request.FILES if "upload" in request.POST else None)
    if request.method == "POST":
        bound = form if "save" in request.POST else document_form
        if bound.is_valid():
            try:
                if bound is form:
                    services.person_file_update(actor=actor, person_file=pf, data=form.cleaned_data)
                else:
                    services.person_document_add(actor=actor, person_file=pf, **document_form.cleaned_data)
            except ValidationError as error:
                _apply_errors(bound, error)
            else:
                messages.success(request, _("The file was saved."))
                return redirect("centers:person-file", center_slug=center.slug, file_pk=pf.pk)
    return render(request, "centers/board/person_file.html", {
        "center": center, "person_file": pf, "form": form, "document_form": document_form,
        "documents": pf.documents.all(),
    }, status=400 if request.method == "POST" else 200)


@require_GET
@staff_page
def person_document(request, center_slug, file_pk, person_document_pk):
    center = access.center_by_slug(request.actor, center_slug)
    pf = _person_file(request.actor, center, file_pk)
    document = PersonDocument.objects.filter(pk=person_document_pk, person_file=pf).first()
    if document is None:
        raise Http404
    with document.file.open("rb") as handle:  # at most 5 MB (the model's validator)
        content = handle.read()
    response = HttpResponse(content, content_type="application/octet-stream")
    extension = document.file.name[document.file.name.rfind("."):]
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}{extension}"'
    return response


prefix = "centers/<slug:center_slug>/"
urlpatterns = [
    path(prefix + "board/changes/", board_changes, name="board-changes"),
    path(prefix + "board/changes/new/", board_change_new, name="board-change-new"),
    path(prefix + "board/changes/<int:change_pk>/", board_change_detail, name="board-change-detail"),
    path(prefix + "board/appointments/<int:appointment_pk>/letter.pdf", appointment_letter,
         name="appointment-letter"),
    path(prefix + "board/appointments/<int:appointment_pk>/file/", person_file_open, name="person-file-open"),
    path(prefix + "volunteers/", volunteers, name="volunteers"),
    path(prefix + "volunteers/new/", volunteer_edit, name="volunteer-new"),
    path(prefix + "volunteers/<int:volunteer_pk>/", volunteer_edit, name="volunteer-edit"),
    path(prefix + "people/<int:file_pk>/", person_file, name="person-file"),
    path(prefix + "people/<int:file_pk>/documents/<int:person_document_pk>/", person_document, name="person-document"),
]
