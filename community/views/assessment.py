"""The overview of the center's neighbourhood work, needs assessments and the asset register."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from centers.views.tenancy import staff_page
from community import selectors, services
from community.models import LocalAsset, NeedsAssessment, ProblemCategory
from core.forms import JalaliDateField, LocalIntegerField, apply_service

from .common import can_manage, center_for, form_page

_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class AssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    neighbourhood = forms.CharField(label=_("Neighbourhood"), max_length=200)
    assessed_on = JalaliDateField(label=_("Assessed on"))
    method = forms.CharField(label=_("Method"), required=False, widget=_TEXTAREA,
                             help_text=_("How the needs were gathered: meetings, interviews, walks, surveys."))
    summary = forms.CharField(label=_("Summary of findings"), required=False, widget=_TEXTAREA)


class ProblemForm(forms.Form):
    problem = forms.CharField(label=_("Problem"), max_length=300)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + ProblemCategory.choices)
    priority_rank = LocalIntegerField(label=_("Priority rank"), min_value=1, max_value=99)


class InformantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    role = forms.CharField(label=_("Role in the neighbourhood"), max_length=120)


ProblemFormSet = forms.formset_factory(ProblemForm, extra=5, max_num=30)
InformantFormSet = forms.formset_factory(InformantForm, extra=4, max_num=30)


class AssetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LocalAsset.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("What it can offer"), required=False, widget=_TEXTAREA)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    recorded_on = JalaliDateField(label=_("Recorded on"))


def _filled(formset):
    return [f.cleaned_data for f in formset if f.has_changed() and f.cleaned_data]


@require_GET
@staff_page
def overview(request, center_slug):
    center = center_for(request, center_slug)
    return render(request, "community/overview.html", {
        "center": center, "figures": selectors.overview(center=center), "can_manage": can_manage(request, center)})


@require_GET
@staff_page
def needs_list(request, center_slug):
    center = center_for(request, center_slug)
    assessments = NeedsAssessment.objects.filter(center=center).prefetch_related("problems", "informants")
    return render(request, "community/needs_list.html", {
        "center": center, "assessments": assessments, "can_manage": can_manage(request, center)})


@require_GET
@staff_page
def needs_detail(request, center_slug, assessment_id):
    center = center_for(request, center_slug)
    assessment = get_object_or_404(NeedsAssessment.objects.select_related("created_by"), center=center,
                                   pk=assessment_id)
    return render(request, "community/needs_detail.html", {
        "center": center, "assessment": assessment, "problems": assessment.problems.all(),
        "informants": assessment.informants.all()})


@require_http_methods(["GET", "POST"])
@staff_page
def needs_new(request, center_slug):
    center = center_for(request, center_slug, manage=True)
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    problems = ProblemFormSet(request.POST or None, prefix="problems")
    informants = InformantFormSet(request.POST or None, prefix="informants")
    if request.method == "POST" and form.is_valid() and problems.is_valid() and informants.is_valid():
        data = form.cleaned_data
        assessment = apply_service(form, lambda: services.needs_assessment_record(
            actor=request.actor, center=center, title=data["title"], neighbourhood=data["neighbourhood"],
            assessed_on=data["assessed_on"], method=data["method"], summary=data["summary"],
            problems=[services.ProblemInput(**p) for p in _filled(problems)],
            informants=[services.InformantInput(**i) for i in _filled(informants)]))
        if assessment is not None:
            messages.success(request, _("The needs assessment was recorded."))
            return redirect("community:needs-detail", center_slug=center.slug, assessment_id=assessment.pk)
    return form_page(request, "community/needs_form.html", {
        "center": center, "form": form, "problems": problems, "informants": informants})


@require_GET
@staff_page
def asset_list(request, center_slug):
    center = center_for(request, center_slug)
    kind = request.GET.get("kind", "")
    assets = LocalAsset.objects.filter(center=center)
    if kind in LocalAsset.Kind.values:
        assets = assets.filter(kind=kind)
    return render(request, "community/asset_list.html", {
        "center": center, "assets": assets, "kinds": LocalAsset.Kind.choices, "kind": kind,
        "can_manage": can_manage(request, center)})


@require_http_methods(["GET", "POST"])
@staff_page
def asset_new(request, center_slug):
    center = center_for(request, center_slug, manage=True)
    form = AssetForm(request.POST or None, initial={"recorded_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        asset = apply_service(form, lambda: services.asset_record(actor=request.actor, center=center,
                                                                  **form.cleaned_data))
        if asset is not None:
            messages.success(request, _("The asset was added to the register."))
            return redirect("community:asset-list", center_slug=center.slug)
    return form_page(request, "community/form.html", {
        "center": center, "form": form, "title": _("Add a local asset or capacity"),
        "back": "community:asset-list"})


urlpatterns = [
    path("centers/<slug:center_slug>/community/", overview, name="overview"),
    path("centers/<slug:center_slug>/community/needs/", needs_list, name="needs-list"),
    path("centers/<slug:center_slug>/community/needs/new/", needs_new, name="needs-new"),
    path("centers/<slug:center_slug>/community/needs/<int:assessment_id>/", needs_detail, name="needs-detail"),
    path("centers/<slug:center_slug>/community/assets/", asset_list, name="asset-list"),
    path("centers/<slug:center_slug>/community/assets/new/", asset_new, name="asset-new"),
]
