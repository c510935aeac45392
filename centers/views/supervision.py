"""Pages of the supervision area: the board's meetings, documents, inspections and complaints, and the
public complaint form and tracking page.

Trustee pages take the center's slug; every object is looked up inside that center, so another center's
object is a 404 like a missing one. The two public pages read or write exactly one complaint through the
services (their reviewed ``scopes_disabled`` blocks) and show nothing else of any center.
"""

import mimetypes

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from centers import access
from centers.access import Action
from centers.models import (
    ArchivedDocument,
    Complaint,
    County,
    FollowUpAction,
    Inspection,
    Meeting,
    MeetingAttachment,
    Province,
    TrusteeAppointment,
)
from centers.models.supervision import CHECKLIST, checklist_score
from centers.services import supervision as services
from core.forms import JalaliDateField, MobileField, apply_service

from .tenancy import staff_page

# --- Forms -----------------------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    held_on = JalaliDateField(label=_("Held on"))
    place = forms.CharField(label=_("Place"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    attendees = forms.ModelMultipleChoiceField(label=_("Board members present"), required=False,
                                               queryset=None,
                                               widget=forms.CheckboxSelectMultiple)
    guests = forms.CharField(label=_("Guests"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("One name per line."))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment_title = forms.CharField(label=_("Attachment title"), max_length=200, required=False)
    attachment = forms.FileField(label=_("Attachment (PDF, PNG or JPEG, up to 10 MB)"), required=False)

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (TrusteeAppointment.objects.filter(
            center=center, status=TrusteeAppointment.Status.ACTIVE).select_related("user"))
        self.fields["attendees"].label_from_instance = (
            lambda a: f"{a.user.get_full_name() or a.user.username} — {a.get_role_display()}")


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.IntegerField(label=_("Amount (rials)"), required=False, min_value=0)


DecisionFormSet = forms.formset_factory(DecisionForm, extra=5, max_num=20)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=ArchivedDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    document_date = JalaliDateField(label=_("Document date"))
    file = forms.FileField(label=_("File (PDF, PNG or JPEG, up to 10 MB)"))
    retention_note = forms.CharField(label=_("Retention note"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintForm(forms.Form):
    center = forms.TypedChoiceField(label=_("Center"), coerce=int)
    complainant_kind = forms.ChoiceField(label=_("You are"), choices=Complaint.ComplainantKind.choices)
    complainant_name = forms.CharField(label=_("Your name (optional)"), max_length=120, required=False)
    complainant_mobile = MobileField(label=_("Your mobile (optional)"), required=False)
    text = forms.CharField(label=_("Your complaint"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = centers


def _download(file) -> HttpResponse:
    """The file as an attachment. Read whole (at most 10 MB) so the stored file is closed at once."""
    with file.open("rb") as handle:
        content = handle.read()
    name = file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Meetings --------------------------------------------------------------------------------------------

@require_GET
@staff_page
def meeting_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    return render(request, "centers/supervision/meeting_list.html", {
        "center": center, "meetings": services.meetings_for(center),
        "can_record": access.may(request.actor, Action.RECORD_MEETING, center),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def meeting_new(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.RECORD_MEETING, center)
    form = MeetingForm(request.POST or None, request.FILES or None, center=center)
    decisions = DecisionFormSet(request.POST or None, prefix="decisions")
    if request.method == "POST" and form.is_valid() and decisions.is_valid():
        data = form.cleaned_data
        attachments = []
        if data["attachment"]:
            attachments.append((data["attachment_title"] or data["attachment"].name, data["attachment"]))
        meeting = apply_service(form, lambda: services.meeting_record(
            actor=request.actor, center=center, held_on=data["held_on"], place=data["place"], kind=data["kind"],
            minutes=data["minutes"], attendee_ids=[a.pk for a in data["attendees"]], guests=data["guests"],
            decisions=[services.DecisionInput(text=d["text"].strip(), amount=d.get("amount"))
                       for d in decisions.cleaned_data if d.get("text", "").strip()],
            attachments=attachments))
        if meeting is not None:
            messages.success(request, _("The meeting was recorded."))
            return redirect("centers:meeting-detail", center_slug=center.slug, meeting_pk=meeting.pk)
    return render(request, "centers/supervision/meeting_form.html",
                  {"center": center, "form": form, "decisions": decisions})


@require_GET
@staff_page
def meeting_detail(request, center_slug, meeting_pk):
    center = access.center_by_slug(request.actor, center_slug)
    meeting = get_object_or_404(Meeting.objects.prefetch_related("decisions", "attachments", "attendees__user"),
                                center=center, pk=meeting_pk)
    return render(request, "centers/supervision/meeting_detail.html", {"center": center, "meeting": meeting})


@require_GET
@staff_page
def meeting_attachment(request, center_slug, attachment_pk):
    center = access.center_by_slug(request.actor, center_slug)
    attachment = get_object_or_404(MeetingAttachment, center=center, pk=attachment_pk)
    return _download(attachment.file)


# --- Documents -------------------------------------------------------------------------------------------

@require_GET
@staff_page
def document_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    documents = ArchivedDocument.objects.filter(center=center).prefetch_related("destruction_requests")
    return render(request, "centers/supervision/document_list.html", {
        "center": center, "documents": documents,
        "can_manage": access.may(request.actor, Action.MANAGE_DOCUMENTS, center),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def document_new(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.MANAGE_DOCUMENTS, center)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = apply_service(form, lambda: services.document_archive(
            actor=request.actor, center=center, kind=data["kind"], title=data["title"],
            document_date=data["document_date"], file=data["file"], retention_note=data["retention_note"]))
        if document is not None:
            messages.success(request, _("The document was archived."))
            return redirect("centers:document-list", center_slug=center.slug)
    return render(request, "centers/supervision/document_form.html", {"center": center, "form": form})


@require_GET
@staff_page
def document_file(request, center_slug, document_pk):
    center = access.center_by_slug(request.actor, center_slug)
    document = get_object_or_404(ArchivedDocument, center=center, pk=document_pk)
    if document.is_destroyed or not document.file:
        raise Http404
    return _download(document.file)


@require_http_methods(["GET", "POST"])
@staff_page
def document_destroy(request, center_slug, document_pk):
    center = access.center_by_slug(request.actor, center_slug)
    document = get_object_or_404(ArchivedDocument, center=center, pk=document_pk)
    access.require(request.actor, Action.MANAGE_DOCUMENTS, document)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(form, lambda: services.document_destruction_request(
            actor=request.actor, document=document, reason=form.cleaned_data["reason"]))
        if done is not None:
            messages.success(request, _("The request to destroy the document was sent to the supervisor."))
            return redirect("centers:document-list", center_slug=center.slug)
    return render(request, "centers/supervision/document_destroy.html",
                  {"center": center, "document": document, "form": form})


# --- Inspections -----------------------------------------------------------------------------------------

@require_GET
@staff_page
def inspection_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    inspections = Inspection.objects.filter(center=center).select_related("inspector").prefetch_related("follow_ups")
    return render(request, "centers/supervision/inspection_list.html",
                  {"center": center, "inspections": inspections})


@require_GET
@staff_page
def inspection_detail(request, center_slug, inspection_pk):
    center = access.center_by_slug(request.actor, center_slug)
    inspection = get_object_or_404(Inspection.objects.select_related("inspector"), center=center, pk=inspection_pk)
    answers = [{"label": item.label, "weight": item.weight, "answer": inspection.answers.get(item.code, "no")}
               for item in CHECKLIST]
    return render(request, "centers/supervision/inspection_detail.html", {
        "center": center, "inspection": inspection, "answers": answers,
        "follow_ups": inspection.follow_ups.all(), "computed_score": checklist_score(inspection.answers),
        "can_report": access.may(request.actor, Action.RECORD_MEETING, center),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def follow_up_done(request, center_slug, follow_up_pk):
    center = access.center_by_slug(request.actor, center_slug)
    follow_up = get_object_or_404(FollowUpAction.objects.select_related("inspection"), center=center,
                                  pk=follow_up_pk)
    access.require(request.actor, Action.RECORD_MEETING, follow_up)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(form, lambda: services.follow_up_mark_done(actor=request.actor, follow_up=follow_up,
                                                                 note=form.cleaned_data["note"]))
        if done is not None:
            messages.success(request, _("The action was marked done."))
            return redirect("centers:inspection-detail", center_slug=center.slug,
                            inspection_pk=follow_up.inspection_id)
    return render(request, "centers/supervision/follow_up_done.html",
                  {"center": center, "follow_up": follow_up, "form": form})


# --- Complaints: the board's read-only view ---------------------------------------------------------------

@require_GET
@staff_page
def complaint_list(request, center_slug):
    """Complaints about the center, for its board and supervisors: status, level, deadline, the complaint's
    text and the answers given to the complainant. Never the complainant's name or mobile (they could be
    pressed or turned away), nor supervisors' internal notes."""
    center = access.center_by_slug(request.actor, center_slug)
    complaints = services.complaints_for(request.actor, center).prefetch_related("timeline")
    return render(request, "centers/supervision/complaint_list.html", {"center": center, "complaints": complaints})


# --- Complaints: the public side --------------------------------------------------------------------------

def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _over_rate_limit(request) -> bool:
    """At most COMPLAINT_RATE_LIMIT complaints (default 5) per address per hour, counted in the cache."""
    limit = int(getattr(settings, "COMPLAINT_RATE_LIMIT", 5))
    key = f"supervision:complaint-rate:{_client_address(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > limit


def _int_param(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@require_http_methods(["GET", "POST"])
def complaint_new(request):
    """The public complaint form: choose the province, then the county (plain GET forms, no script), then
    the center; or arrive with ``?center=<slug>`` from a center's page."""
    province_id, county_id = _int_param(request, "province"), _int_param(request, "county")
    centers: list[tuple[int, str]] = []
    linked = services.licensed_center_by_slug(request.GET.get("center", "")) if request.GET.get("center") else None
    if linked:
        centers = [(linked[0], linked[1])]
    elif county_id is not None and County.objects.filter(pk=county_id, province_id=province_id).exists():
        centers = services.licensed_centers_in_county(county_id)
    form = ComplaintForm(request.POST or None, centers=[("", "—"), *centers])
    if request.method == "POST" and form.is_valid():
        if _over_rate_limit(request):
            form.add_error(None, _("Too many complaints were sent from your connection. Try again in an hour."))
            return render(request, "centers/supervision/complaint_new.html",
                          _complaint_page(form, province_id, county_id, centers, linked), status=429)
        data = form.cleaned_data
        complaint = apply_service(form, lambda: services.complaint_file(
            center_id=data["center"], complainant_kind=data["complainant_kind"], text=data["text"],
            complainant_name=data["complainant_name"], complainant_mobile=data["complainant_mobile"]))
        if complaint is not None:
            return render(request, "centers/supervision/complaint_filed.html",
                          {"tracking_code": complaint.tracking_code})
    return render(request, "centers/supervision/complaint_new.html",
                  _complaint_page(form, province_id, county_id, centers, linked))


def _complaint_page(form, province_id, county_id, centers, linked) -> dict:
    return {
        "form": form, "linked": linked, "centers": centers,
        "provinces": Province.objects.all(), "province_id": province_id, "county_id": county_id,
        "counties": County.objects.filter(province_id=province_id) if province_id else [],
    }


@require_GET
def complaint_lookup(request):
    """A small form where the complainant types their tracking code."""
    code = request.GET.get("code", "").strip().upper()
    if code:
        return redirect(reverse("centers:complaint-track", kwargs={"tracking_code": code[:20]}))
    return render(request, "centers/supervision/complaint_lookup.html")


@require_GET
def complaint_track(request, tracking_code):
    """Where a complaint stands: status, level, deadline and the public answers; nothing else."""
    status = services.complaint_status_by_code(tracking_code)
    if status is None:
        raise Http404
    return render(request, "centers/supervision/complaint_track.html", {"complaint": status})


urlpatterns = [
    path("centers/<slug:center_slug>/meetings/", meeting_list, name="meeting-list"),
    path("centers/<slug:center_slug>/meetings/new/", meeting_new, name="meeting-new"),
    path("centers/<slug:center_slug>/meetings/<int:meeting_pk>/", meeting_detail, name="meeting-detail"),
    path("centers/<slug:center_slug>/meetings/attachments/<int:attachment_pk>/", meeting_attachment,
         name="meeting-attachment"),
    path("centers/<slug:center_slug>/documents/", document_list, name="document-list"),
    path("centers/<slug:center_slug>/documents/new/", document_new, name="document-new"),
    path("centers/<slug:center_slug>/documents/<int:document_pk>/file/", document_file, name="document-file"),
    path("centers/<slug:center_slug>/documents/<int:document_pk>/destroy/", document_destroy,
         name="document-destroy"),
    path("centers/<slug:center_slug>/inspections/", inspection_list, name="inspection-list"),
    path("centers/<slug:center_slug>/inspections/<int:inspection_pk>/", inspection_detail,
         name="inspection-detail"),
    path("centers/<slug:center_slug>/follow-ups/<int:follow_up_pk>/done/", follow_up_done, name="follow-up-done"),
    path("centers/<slug:center_slug>/complaints/", complaint_list, name="complaint-list"),
    path("complaints/new/", complaint_new, name="complaint-new"),
    path("complaints/track/", complaint_lookup, name="complaint-lookup"),
    path("complaints/track/<str:tracking_code>/", complaint_track, name="complaint-track"),
]
