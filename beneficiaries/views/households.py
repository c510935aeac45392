"""Trustee pages of the beneficiaries area: the prioritised list of households, a household's file,
registering a household with its members, adding a member, recording an assessment, closing a file, finding
a person by national code, and showing one identifier in full (a logged action).

Every page takes the center's slug and looks the household up inside that center, so another center's
household is a 404 like a missing one; a role that may not see households (donor relations, ...) gets 403.
Identifiers are shown masked; the reveal page shows one in full only after a POST with a reason, and its
answer is never cached.
"""

import datetime

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries import selectors, services
from beneficiaries.models import Assessment, Household, IdentifierReveal, Member
from beneficiaries.priority import PART_LABELS
from centers import access
from centers.access import Action
from centers.models import County
from centers.views.tenancy import staff_page
from core.forms import JalaliDateField, MobileField, NationalCodeField, apply_service

PAGE_SIZE = 50
_TEXTAREA = forms.Textarea(attrs={"rows": 3})

# --- Forms -----------------------------------------------------------------------------------------------


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=64)
    last_name = forms.CharField(label=_("Last name"), max_length=64)
    national_code = NationalCodeField(label=_("National code"), required=False)
    # A blank first choice (and fixed initials) so an untouched row of the formset counts as unchanged.
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=[("", "—")] + [
        c for c in Member.Relation.choices if c[0] != Member.Relation.HEAD])
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—")] + Member.Gender.choices)
    birth_date = JalaliDateField(label=_("Birth date"))
    education = forms.ChoiceField(label=_("Education"), choices=Member.Education.choices,
                                  initial=Member.Education.NONE)
    work_status = forms.ChoiceField(label=_("Work"), choices=Member.Work.choices, initial=Member.Work.UNEMPLOYED)
    has_disability = forms.BooleanField(label=_("Has a disability"), required=False)
    has_chronic_illness = forms.BooleanField(label=_("Has a chronic illness"), required=False)
    health_notes = forms.CharField(label=_("Health conditions"), required=False, widget=_TEXTAREA)
    is_orphan = forms.BooleanField(label=_("Orphan"), required=False)

    def member_input(self) -> services.MemberInput:
        return services.MemberInput(**self.cleaned_data)


class HeadForm(PersonForm):
    """The head of household: national code required, relation fixed."""

    national_code = NationalCodeField(label=_("National code"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["relation"]
        del self.fields["is_orphan"]

    def member_input(self) -> services.MemberInput:
        return services.MemberInput(relation=Member.Relation.HEAD, **self.cleaned_data)


MemberFormSet = forms.formset_factory(PersonForm, extra=4, max_num=20)


class HouseholdForm(forms.Form):
    mobile = MobileField(label=_("Mobile"), required=False)
    address = forms.CharField(label=_("Address"), widget=_TEXTAREA)
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    village = forms.CharField(label=_("Village or neighbourhood"), max_length=120, required=False)
    area = forms.ChoiceField(label=_("Area"), choices=Household.Area.choices)
    housing = forms.ChoiceField(label=_("Housing situation"), choices=Household.Housing.choices)
    monthly_income = forms.IntegerField(label=_("Monthly income (rials)"), min_value=0, max_value=services.MAX_INCOME,
                                        initial=0)
    insurance = forms.ChoiceField(label=_("Insurance"), choices=Household.Insurance.choices)
    supporting_organizations = forms.MultipleChoiceField(
        label=_("Already supported by"), choices=Household.Supporter.choices, required=False,
        widget=forms.CheckboxSelectMultiple)
    consent = forms.BooleanField(label=_("The household consents to being registered"))
    consent_on = JalaliDateField(label=_("Consent given on"))

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = County.objects.filter(province_id=center.county.province_id)
        self.fields["county"].initial = center.county_id
        self.fields["consent_on"].initial = timezone.localdate()


class AssessmentForm(forms.Form):
    category = forms.ChoiceField(label=_("Category of need"), choices=Assessment.Category.choices)
    severity = forms.TypedChoiceField(label=_("Severity"), coerce=int,
                                      choices=[(n, str(n)) for n in range(1, 6)],
                                      help_text=_("1 = slight, 5 = urgent"))
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 4}))
    assessed_on = JalaliDateField(label=_("Assessed on"))
    next_due_on = JalaliDateField(label=_("Reassess by"), required=False,
                                  help_text=_("Empty: six months after the assessment."))


class FilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category of need"), required=False,
                                 choices=[("", _("All"))] + Assessment.Category.choices)
    min_severity = forms.TypedChoiceField(label=_("Severity at least"), required=False, coerce=int,
                                          empty_value=None,
                                          choices=[("", _("Any"))] + [(n, str(n)) for n in range(1, 6)])
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", _("All"))] + Household.Area.choices)
    due = forms.BooleanField(label=_("Reassessment due"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=Household.Status.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=_TEXTAREA)


class FindForm(forms.Form):
    national_code = NationalCodeField(label=_("National code"))


def _household(request, center_slug, household_id):
    center = access.center_by_slug(request.actor, center_slug)
    return center, selectors.household_file(actor=request.actor, center=center, household_id=household_id)


# --- Pages -----------------------------------------------------------------------------------------------

@require_GET
@staff_page
def household_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    form = FilterForm(request.GET or None)
    filters = selectors.HouseholdFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.HouseholdFilters(category=data["category"], min_severity=data["min_severity"],
                                             area=data["area"], due=data["due"],
                                             status=data["status"] or Household.Status.ACTIVE)
    # Four queries whatever the page (count, the page's ids, their rows, their needs), rows preformatted.
    page = selectors.household_list_page(actor=request.actor, center=center, filters=filters,
                                         page=request.GET.get("page"), page_size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "beneficiaries/household_list.html", {
        "center": center, "form": form, "page": page, "query": query.urlencode(),
        "can_manage": access.may(request.actor, Action.MANAGE_BENEFICIARIES, center),
        "find_form": FindForm(), "today": timezone.localdate(),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def household_find(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.VIEW_BENEFICIARIES, center)
    # POST only: a national code never goes into a URL (access logs, browser history).
    form = FindForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = apply_service(form, lambda: services.find_by_national_code(
            actor=request.actor, center=center, national_code=form.cleaned_data["national_code"]))
    return render(request, "beneficiaries/household_find.html",
                  {"center": center, "form": form, "found": found})


@require_http_methods(["GET", "POST"])
@staff_page
def household_new(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.MANAGE_BENEFICIARIES, center)
    form = HouseholdForm(request.POST or None, center=center)
    head = HeadForm(request.POST or None, prefix="head")
    members = MemberFormSet(request.POST or None, prefix="members")
    if request.method == "POST" and form.is_valid() and head.is_valid() and members.is_valid():
        data = form.cleaned_data
        household = apply_service(form, lambda: services.household_register(
            actor=request.actor, center=center, head=head.member_input(),
            members=[m.member_input() for m in members if m.has_changed() and m.cleaned_data],
            address=data["address"], county=data["county"], village=data["village"], area=data["area"],
            housing=data["housing"], monthly_income=data["monthly_income"], insurance=data["insurance"],
            supporting_organizations=data["supporting_organizations"], mobile=data["mobile"],
            consent_on=data["consent_on"]))
        if household is not None:
            messages.success(request, _("The household was registered."))
            return redirect("beneficiaries:household-detail", center_slug=center.slug, household_id=household.pk)
    return render(request, "beneficiaries/household_form.html",
                  {"center": center, "form": form, "head": head, "members": members},
                  status=400 if request.method == "POST" else 200)


@require_GET
@staff_page
def household_detail(request, center_slug, household_id):
    center, household = _household(request, center_slug, household_id)
    can_manage = access.may(request.actor, Action.MANAGE_BENEFICIARIES, household)
    return render(request, "beneficiaries/household_detail.html", {
        "center": center, "household": household, "can_manage": can_manage,
        "members": household.members.all(), "assessments": household.assessments.all(),
        "served_elsewhere": selectors.also_served_elsewhere(household),
        "supporters": Household.Supporter.choices,
        "priority_parts": [(PART_LABELS.get(k, k), v) for k, v in household.priority_parts.items() if v],
        "reveals": (IdentifierReveal.objects.filter(center=center, household=household)
                    .select_related("revealed_by", "member")[:20] if can_manage else None),
        "status_history": selectors.household_status_history(actor=request.actor, household=household),
        "can_social_work": access.may(request.actor, Action.VIEW_CASE_NOTES, household),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def member_new(request, center_slug, household_id):
    center, household = _household(request, center_slug, household_id)
    access.require(request.actor, Action.MANAGE_BENEFICIARIES, household)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = apply_service(form, lambda: services.member_add(actor=request.actor, household=household,
                                                          person=form.member_input()))
        if member is not None:
            messages.success(request, _("The member was added."))
            return redirect("beneficiaries:household-detail", center_slug=center.slug, household_id=household.pk)
    return render(request, "beneficiaries/member_form.html", {"center": center, "household": household,
                                                              "form": form},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@staff_page
def assessment_new(request, center_slug, household_id):
    center, household = _household(request, center_slug, household_id)
    access.require(request.actor, Action.MANAGE_BENEFICIARIES, household)
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = apply_service(form, lambda: services.assessment_record(
            actor=request.actor, household=household, category=data["category"], severity=data["severity"],
            evidence=data["evidence"], assessed_on=data["assessed_on"], next_due_on=data["next_due_on"]))
        if assessment is not None:
            messages.success(request, _("The assessment was recorded."))
            return redirect("beneficiaries:household-detail", center_slug=center.slug, household_id=household.pk)
    return render(request, "beneficiaries/assessment_form.html", {"center": center, "household": household,
                                                                  "form": form},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@staff_page
def household_close(request, center_slug, household_id):
    center, household = _household(request, center_slug, household_id)
    access.require(request.actor, Action.MANAGE_BENEFICIARIES, household)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(form, lambda: services.household_close(actor=request.actor, household=household,
                                                             reason=form.cleaned_data["reason"]))
        if done is not None:
            messages.success(request, _("The household's file was closed."))
            return redirect("beneficiaries:household-detail", center_slug=center.slug, household_id=household.pk)
    return render(request, "beneficiaries/household_close.html",
                  {"center": center, "household": household, "form": form})


@require_http_methods(["GET", "POST"])
@staff_page
def household_reopen(request, center_slug, household_id):
    """Reopens a closed file with a reason (kept in the household's history)."""
    center, household = _household(request, center_slug, household_id)
    access.require(request.actor, Action.MANAGE_BENEFICIARIES, household)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(form, lambda: services.household_reopen(actor=request.actor, household=household,
                                                              reason=form.cleaned_data["reason"]))
        if done is not None:
            messages.success(request, _("The household's file was reopened."))
            return redirect("beneficiaries:household-detail", center_slug=center.slug, household_id=household.pk)
    return render(request, "beneficiaries/household_reopen.html",
                  {"center": center, "household": household, "form": form},
                  status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_page
def identifier_reveal(request, center_slug, household_id):
    """GET asks why; POST shows the identifier once, logged, in a page that is never cached."""
    center, household = _household(request, center_slug, household_id)
    access.require(request.actor, Action.MANAGE_BENEFICIARIES, household)
    source = request.POST if request.method == "POST" else request.GET
    field = source.get("field", IdentifierReveal.Field.NATIONAL_CODE)
    if field not in IdentifierReveal.Field.values:
        raise Http404
    member = None
    if field == IdentifierReveal.Field.NATIONAL_CODE:
        wanted = source.get("member") or str(household.head_id)  # the head's, unless another is chosen
        member = next((m for m in household.members.all() if str(m.pk) == wanted), None)
        if member is None:
            raise Http404
    form = ReasonForm(request.POST or None)
    value = None
    if request.method == "POST" and form.is_valid():
        value = apply_service(form, lambda: services.reveal_identifier(
            actor=request.actor, household=household, member=member, field=field,
            reason=form.cleaned_data["reason"]))
    return render(request, "beneficiaries/identifier_reveal.html", {
        "center": center, "household": household, "member": member, "field": field,
        "field_label": IdentifierReveal.Field(field).label, "form": form, "value": value,
    })


@require_GET
@staff_page
def overlap_list(request):
    """Supervisors only (404 for anyone else, like a page that is not theirs): the people registered at more
    than one of the centers they oversee in the last year (or the chosen Jalali period), with center names
    and masked codes, linking to no household file."""
    if not request.actor.supervised_center_ids:
        raise Http404
    form = PeriodForm(request.GET or None)
    end = timezone.localdate()
    start = end - datetime.timedelta(days=365)
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    groups = selectors.overlapping_households(actor=request.actor, period_start=start, period_end=end)
    return render(request, "beneficiaries/overlap_list.html",
                  {"groups": groups, "form": form, "start": start, "end": end})


class PeriodForm(forms.Form):
    start = JalaliDateField(label=_("From"), required=False)
    end = JalaliDateField(label=_("To"), required=False)


urlpatterns = [
    path("supervision/overlaps/", overlap_list, name="overlap-list"),
    path("centers/<slug:center_slug>/households/", household_list, name="household-list"),
    path("centers/<slug:center_slug>/households/new/", household_new, name="household-new"),
    path("centers/<slug:center_slug>/households/find/", household_find, name="household-find"),
    path("centers/<slug:center_slug>/households/<int:household_id>/", household_detail, name="household-detail"),
    path("centers/<slug:center_slug>/households/<int:household_id>/members/new/", member_new, name="member-new"),
    path("centers/<slug:center_slug>/households/<int:household_id>/assessments/new/", assessment_new,
         name="assessment-new"),
    path("centers/<slug:center_slug>/households/<int:household_id>/close/", household_close,
         name="household-close"),
    path("centers/<slug:center_slug>/households/<int:household_id>/reopen/", household_reopen,
         name="household-reopen"),
    path("centers/<slug:center_slug>/households/<int:household_id>/reveal/", identifier_reveal,
         name="identifier-reveal"),
]
