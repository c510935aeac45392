"""Trustee pages of the sponsorships area (issue 5.5): the center's sponsorships, linking a sponsorship pledge to
a household (and, for an orphan sponsorship, to the orphan), a sponsorship's page with what its donor sees and
its progress notes (where a note is written, published or withdrawn), and ending a sponsorship.

For the orphan-sponsorship officer, the chair and the vice-chair (``Action.MANAGE_SPONSORSHIPS``); other roles
get 403, outsiders 404 (the center's slug and the sponsorship are looked up inside the actor's centers).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries import rls, services
from beneficiaries.models import Household, Member, Sponsorship
from beneficiaries.selectors_sponsorships import sponsorship_file, sponsorship_profiles, sponsorships_of_center
from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from contributions.models import Pledge
from core.forms import JalaliDateField, LocalIntegerField, apply_service

_TEXTAREA = forms.Textarea(attrs={"rows": 4})


class LinkForm(forms.Form):
    pledge = forms.ModelChoiceField(label=_("Sponsorship pledge"), queryset=Pledge.objects.none())
    household = LocalIntegerField(label=_("Household file number"), min_value=1,
                                  help_text=_("The number in the household's page address."))
    member = forms.ChoiceField(label=_("The orphan"), required=False, choices=[("", "—")],
                               help_text=_("Orphan sponsorship only: choose the orphan after the household."))
    starts_on = JalaliDateField(label=_("Starts on"))

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.center = center
        linked = Sponsorship.objects.filter(center=center, status=Sponsorship.Status.ACTIVE).values("pledge_id")
        self.fields["pledge"].queryset = (
            Pledge.objects.filter(center=center, target__in=[Pledge.Target.ORPHAN, Pledge.Target.FAMILY],
                                  status__in=[Pledge.Status.ACTIVE, Pledge.Status.PAUSED])
            .exclude(pk__in=linked).select_related("donor").order_by("-created_at", "-pk"))
        self.fields["pledge"].label_from_instance = lambda p: f"#{p.pk} — {p.donor} — {p.get_target_display()}"
        self.fields["starts_on"].initial = timezone.localdate()
        self.household_obj = None
        number = self.data.get("household") if self.is_bound else self.initial.get("household")
        if number:
            try:
                self.household_obj = Household.objects.filter(
                    center=center, pk=int(str(number)), status=Household.Status.ACTIVE).select_related("head").first()
            except ValueError:
                self.household_obj = None
        if self.household_obj is not None:
            orphans = Member.objects.filter(center=center, household=self.household_obj, is_orphan=True)
            self.fields["member"].choices = [("", "—")] + [(str(m.pk), m.full_name) for m in orphans]

    def clean_household(self):
        if self.household_obj is None:
            raise forms.ValidationError(_("No active household of this center has this number."))
        return self.household_obj

    def clean(self):
        data = super().clean()
        pledge = data.get("pledge")
        if pledge is not None and pledge.target == Pledge.Target.ORPHAN and self.household_obj and \
                not data.get("member"):
            self.add_error("member", _("Choose the orphan this pledge sponsors."))
        member_id = data.get("member")
        data["member"] = (Member.objects.filter(center=self.center, household=self.household_obj,
                                                pk=int(member_id)).first() if member_id else None)
        return data


class NoteForm(forms.Form):
    written_on = JalaliDateField(label=_("Date"))
    text = forms.CharField(label=_("Note for the donor"), widget=_TEXTAREA, max_length=services.sponsorships.MAX_NOTE,
                           help_text=_("How the child or the family is doing. Never a name, national code, "
                                       "mobile or address: the donor reads it as written."))
    published = forms.BooleanField(label=_("Show to the donor"), required=False)


class EndForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=_TEXTAREA)
    ends_on = JalaliDateField(label=_("Ended on"))


class StatusFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + Sponsorship.Status.choices)


def _center(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.MANAGE_SPONSORSHIPS, center)
    return center


def _sponsorship(request, center_slug, sponsorship_id):
    center = _center(request, center_slug)
    return center, sponsorship_file(actor=request.actor, center=center, sponsorship_id=sponsorship_id)


@require_GET
@staff_page
def sponsorship_list(request, center_slug):
    center = _center(request, center_slug)
    form = StatusFilter(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    sponsorships = list(sponsorships_of_center(actor=request.actor, center=center, status=status)[:500])
    unlinked = (Pledge.objects.filter(center=center, target__in=[Pledge.Target.ORPHAN, Pledge.Target.FAMILY],
                                      status__in=[Pledge.Status.ACTIVE, Pledge.Status.PAUSED])
                .exclude(pk__in=Sponsorship.objects.filter(center=center, status=Sponsorship.Status.ACTIVE)
                         .values("pledge_id"))
                .select_related("donor").order_by("-created_at")[:100])
    return render(request, "beneficiaries/sponsorships/sponsorship_list.html", {
        "center": center, "form": form, "sponsorships": sponsorships, "unlinked": unlinked})


@require_http_methods(["GET", "POST"])
@staff_page
def sponsorship_new(request, center_slug):
    center = _center(request, center_slug)
    rls.apply_scope(fallback=[center.pk])
    initial = {k: request.GET[k] for k in ("pledge", "household") if request.GET.get(k)}
    form = LinkForm(request.POST or None, center=center, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sponsorship = apply_service(form, lambda: services.sponsorship_create(
            actor=request.actor, pledge=data["pledge"], household=data["household"], member=data["member"],
            starts_on=data["starts_on"]))
        if sponsorship is not None:
            messages.success(request, _("The pledge was linked to the household."))
            return redirect("beneficiaries:sponsorship-detail", center_slug=center.slug,
                            sponsorship_id=sponsorship.pk)
    return render(request, "beneficiaries/sponsorships/sponsorship_form.html",
                  {"center": center, "form": form, "household": form.household_obj},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@staff_page
def sponsorship_detail(request, center_slug, sponsorship_id):
    """The sponsorship, what its donor sees (the anonymised profile), every note, and the form to write one."""
    center, sponsorship = _sponsorship(request, center_slug, sponsorship_id)
    if request.method == "POST" and "publish" in request.POST:
        return _publish(request, center, sponsorship)
    form = NoteForm(request.POST or None, initial={"written_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        note = apply_service(form, lambda: services.progress_note_add(
            actor=request.actor, sponsorship=sponsorship, text=data["text"], written_on=data["written_on"],
            published=data["published"]))
        if note is not None:
            messages.success(request, _("The note was saved."))
            return redirect("beneficiaries:sponsorship-detail", center_slug=center.slug,
                            sponsorship_id=sponsorship.pk)
    profile = sponsorship_profiles([sponsorship])[0]
    return render(request, "beneficiaries/sponsorships/sponsorship_detail.html", {
        "center": center, "sponsorship": sponsorship, "profiles": [profile], "form": form,
        "notes": sponsorship.notes.all()}, status=400 if request.method == "POST" else 200)


def _publish(request, center, sponsorship):
    """The detail page's second form: publish (``publish=1``) or withdraw (``publish=0``) the note ``note``."""
    note = next((n for n in sponsorship.notes.all() if str(n.pk) == request.POST.get("note", "")), None)
    if note is None:
        messages.error(request, _("Choose a note of this sponsorship."))
    else:
        form = forms.Form()
        done = apply_service(form, lambda: services.progress_note_publish(
            actor=request.actor, note=note, published=request.POST.get("publish") == "1"))
        if done is None:
            for error in form.non_field_errors():
                messages.error(request, error)
        else:
            messages.success(request, _("The note is shown to the donor.") if done.is_published
                             else _("The note is no longer shown to the donor."))
    return redirect("beneficiaries:sponsorship-detail", center_slug=center.slug, sponsorship_id=sponsorship.pk)


@require_http_methods(["GET", "POST"])
@staff_page
def sponsorship_end(request, center_slug, sponsorship_id):
    center, sponsorship = _sponsorship(request, center_slug, sponsorship_id)
    form = EndForm(request.POST or None, initial={"ends_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = apply_service(form, lambda: services.sponsorship_end(
            actor=request.actor, sponsorship=sponsorship, reason=form.cleaned_data["reason"],
            ends_on=form.cleaned_data["ends_on"]))
        if done is not None:
            messages.success(request, _("The sponsorship was ended."))
            return redirect("beneficiaries:sponsorship-detail", center_slug=center.slug,
                            sponsorship_id=sponsorship.pk)
    return render(request, "beneficiaries/sponsorships/sponsorship_end.html",
                  {"center": center, "sponsorship": sponsorship, "form": form},
                  status=400 if request.method == "POST" else 200)


urlpatterns = [
    path("centers/<slug:center_slug>/sponsorships/", sponsorship_list, name="sponsorship-list"),
    path("centers/<slug:center_slug>/sponsorships/new/", sponsorship_new, name="sponsorship-new"),
    path("centers/<slug:center_slug>/sponsorships/<int:sponsorship_id>/", sponsorship_detail,
         name="sponsorship-detail"),
    path("centers/<slug:center_slug>/sponsorships/<int:sponsorship_id>/end/", sponsorship_end,
         name="sponsorship-end"),
]
