"""Trustee pages of the social-work area: a household's confidential case notes (list, write, correct on the
same day, write a correction later) and its referrals to other bodies (list, make, follow a referral's
answers), and the center's referrals with the overdue ones and the follow-ups due.

Only ``VIEW_CASE_NOTES`` roles reach them (the chair, the vice-chair, the social-work officer, the supervisors
over the center): the finance officer and the aid officers, who see the household itself, get 403; anyone
outside the center 404, like a missing household. The pages are never cached (shared office computers).
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries import selectors_socialwork as selectors
from beneficiaries import services
from beneficiaries.models import CaseNote, Referral
from beneficiaries.services.socialwork import MAX_TEXT, REFERRAL_TRANSITIONS
from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from core.forms import JalaliDateField, apply_service

PAGE_SIZE = 50
_TEXTAREA = forms.Textarea(attrs={"rows": 5})


class CaseNoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseNote.Kind.choices)
    noted_on = JalaliDateField(label=_("Date"))
    text = forms.CharField(label=_("Note"), widget=_TEXTAREA, max_length=MAX_TEXT)
    follow_up_on = JalaliDateField(label=_("Follow up by"), required=False,
                                   help_text=_("Optional: the date by which someone should follow up."))


class ReferralForm(forms.Form):
    body = forms.ChoiceField(label=_("Referred to"), choices=Referral.Body.choices)
    body_name = forms.CharField(label=_("Name of the body"), max_length=200, required=False,
                                help_text=_("Required for another body; optional otherwise (e.g. the office or "
                                            "university)."))
    reason = forms.CharField(label=_("Reason"), widget=_TEXTAREA, max_length=MAX_TEXT)
    referred_on = JalaliDateField(label=_("Referred on"))


class ReferralStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    changed_on = JalaliDateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT,
                           required=False)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT,
                              required=False, help_text=_("Required when the referral is done or declined."))

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = REFERRAL_TRANSITIONS[referral.status]
        self.fields["to_status"].choices = [c for c in Referral.Status.choices if c[0] in allowed]


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + Referral.Status.choices)
    body = forms.ChoiceField(label=_("Referred to"), required=False,
                             choices=[("", _("All"))] + Referral.Body.choices)


def _household(request, center_slug, household_id):
    center = access.center_by_slug(request.actor, center_slug)
    household = selectors.household_for_social_work(actor=request.actor, center=center, household_id=household_id)
    return center, household


def _notes_url(center, household):
    return redirect("beneficiaries:case-note-list", center_slug=center.slug, household_id=household.pk)


@never_cache
@require_GET
@staff_page
def case_note_list(request, center_slug, household_id):
    center, household = _household(request, center_slug, household_id)
    notes = list(selectors.case_notes(actor=request.actor, household=household))
    corrected_by: dict[int, list[CaseNote]] = {}
    for note in notes:
        if note.corrects_id:
            corrected_by.setdefault(note.corrects_id, []).append(note)
    today = timezone.localdate()
    rows = [(note, corrected_by.get(note.pk, []), services.case_note_editable(note, request.actor, today=today))
            for note in notes]
    return render(request, "beneficiaries/socialwork/note_list.html", {
        "center": center, "household": household, "rows": rows,
        "can_write": access.may(request.actor, Action.WRITE_CASE_NOTES, household),
    })


@never_cache
@require_http_methods(["GET", "POST"])
@staff_page
def case_note_new(request, center_slug, household_id):
    """A new note; ``?corrects=<id>`` (or the posted field) makes it a correction of an earlier note."""
    center, household = _household(request, center_slug, household_id)
    access.require(request.actor, Action.WRITE_CASE_NOTES, household)
    corrects = None
    wanted = (request.POST if request.method == "POST" else request.GET).get("corrects", "")
    if wanted:
        if not wanted.isdigit() or len(wanted) > 18:
            raise Http404
        corrects = selectors.case_note(actor=request.actor, household=household, note_id=int(wanted))
    initial = {"noted_on": timezone.localdate()}
    if corrects is not None:
        initial.update(kind=corrects.kind, text=corrects.text, follow_up_on=corrects.follow_up_on)
    form = CaseNoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        note = apply_service(form, lambda: services.case_note_write(
            actor=request.actor, household=household, kind=data["kind"], noted_on=data["noted_on"],
            text=data["text"], follow_up_on=data["follow_up_on"], corrects=corrects))
        if note is not None:
            messages.success(request, _("The note was recorded."))
            return _notes_url(center, household)
    return render(request, "beneficiaries/socialwork/note_form.html",
                  {"center": center, "household": household, "form": form, "corrects": corrects},
                  status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_page
def case_note_edit(request, center_slug, household_id, note_id):
    """Its author corrects a note on the day it was written; after that the page sends them to write a
    correction (a new note)."""
    center, household = _household(request, center_slug, household_id)
    access.require(request.actor, Action.WRITE_CASE_NOTES, household)
    note = selectors.case_note(actor=request.actor, household=household, note_id=note_id)
    if not services.case_note_editable(note, request.actor):
        messages.warning(request, _("A note is not changed after the day it was written, nor by anyone but its "
                                    "author; write a correction instead."))
        new = reverse("beneficiaries:case-note-new", kwargs={"center_slug": center.slug, "household_id": household.pk})
        return redirect(f"{new}?corrects={note.pk}")
    form = CaseNoteForm(request.POST or None, initial={"kind": note.kind, "noted_on": note.noted_on,
                                                       "text": note.text, "follow_up_on": note.follow_up_on})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = apply_service(form, lambda: services.case_note_edit(
            actor=request.actor, note=note, kind=data["kind"], noted_on=data["noted_on"], text=data["text"],
            follow_up_on=data["follow_up_on"]))
        if done is not None:
            messages.success(request, _("The note was corrected."))
            return _notes_url(center, household)
    return render(request, "beneficiaries/socialwork/note_form.html",
                  {"center": center, "household": household, "form": form, "note": note},
                  status=400 if request.method == "POST" else 200)


@never_cache
@require_GET
@staff_page
def referral_list(request, center_slug, household_id):
    center, household = _household(request, center_slug, household_id)
    return render(request, "beneficiaries/socialwork/referral_list.html", {
        "center": center, "household": household,
        "referrals": selectors.referrals(actor=request.actor, household=household),
        "can_write": access.may(request.actor, Action.WRITE_CASE_NOTES, household),
        "overdue_before": timezone.localdate() - datetime.timedelta(days=selectors.referral_answer_days()),
    })


@never_cache
@require_http_methods(["GET", "POST"])
@staff_page
def referral_new(request, center_slug, household_id):
    center, household = _household(request, center_slug, household_id)
    access.require(request.actor, Action.WRITE_CASE_NOTES, household)
    form = ReferralForm(request.POST or None, initial={"referred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        referral = apply_service(form, lambda: services.referral_make(
            actor=request.actor, household=household, body=data["body"], body_name=data["body_name"],
            reason=data["reason"], referred_on=data["referred_on"]))
        if referral is not None:
            messages.success(request, _("The referral was recorded."))
            return redirect("beneficiaries:referral-detail", center_slug=center.slug, household_id=household.pk,
                            referral_id=referral.pk)
    return render(request, "beneficiaries/socialwork/referral_form.html",
                  {"center": center, "household": household, "form": form},
                  status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_page
def referral_detail(request, center_slug, household_id, referral_id):
    """A referral with its dated status changes; POST records the body's answer (a new status)."""
    center, household = _household(request, center_slug, household_id)
    referral = selectors.referral_file(actor=request.actor, household=household, referral_id=referral_id)
    can_write = access.may(request.actor, Action.WRITE_CASE_NOTES, referral) and referral.is_open
    if request.method == "POST":
        access.require(request.actor, Action.WRITE_CASE_NOTES, referral)
    form = None
    if can_write or request.method == "POST":
        form = ReferralStatusForm(request.POST or None, referral=referral,
                                  initial={"changed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = apply_service(form, lambda: services.referral_status_change(
            actor=request.actor, referral=referral, to_status=data["to_status"], changed_on=data["changed_on"],
            note=data["note"], outcome=data["outcome"]))
        if done is not None:
            messages.success(request, _("The referral's status was recorded."))
            return redirect("beneficiaries:referral-detail", center_slug=center.slug, household_id=household.pk,
                            referral_id=referral.pk)
    return render(request, "beneficiaries/socialwork/referral_detail.html",
                  {"center": center, "household": household, "referral": referral, "form": form},
                  status=400 if request.method == "POST" else 200)


@never_cache
@require_GET
@staff_page
def center_referral_list(request, center_slug):
    """The center's referrals (filterable), the overdue ones (no answer after the set number of days) and the
    case notes' follow-ups due."""
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.VIEW_CASE_NOTES, center)
    today = timezone.localdate()
    form = ReferralFilterForm(request.GET or None)
    status = body = ""
    if form.is_bound and form.is_valid():
        status, body = form.cleaned_data["status"], form.cleaned_data["body"]
    page = Paginator(selectors.center_referrals(actor=request.actor, center=center, status=status, body=body),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "beneficiaries/socialwork/center_referrals.html", {
        "center": center, "form": form, "page": page, "query": query.urlencode(),
        "overdue": [(r, (today - r.referred_on).days)
                    for r in selectors.overdue_referrals(actor=request.actor, center=center, today=today)[:PAGE_SIZE]],
        "answer_days": selectors.referral_answer_days(),
        "follow_ups": selectors.follow_ups_due(actor=request.actor, center=center, today=today)[:PAGE_SIZE],
        "today": today,
    })


_HOUSEHOLD = "centers/<slug:center_slug>/households/<int:household_id>/"
urlpatterns = [
    path("centers/<slug:center_slug>/referrals/", center_referral_list, name="center-referral-list"),
    path(_HOUSEHOLD + "notes/", case_note_list, name="case-note-list"),
    path(_HOUSEHOLD + "notes/new/", case_note_new, name="case-note-new"),
    path(_HOUSEHOLD + "notes/<int:note_id>/edit/", case_note_edit, name="case-note-edit"),
    path(_HOUSEHOLD + "referrals/", referral_list, name="referral-list"),
    path(_HOUSEHOLD + "referrals/new/", referral_new, name="referral-new"),
    path(_HOUSEHOLD + "referrals/<int:referral_id>/", referral_detail, name="referral-detail"),
]
