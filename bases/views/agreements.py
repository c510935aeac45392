"""Pages of a social-health base for its trustees (the NGO's people) and its supervisors: the NGO's profile
and the base's standing, each yearly agreement with its commitments and progress, the score and the
proposed allocation, and recording an activity report.

Every page takes the base's slug (404 for anyone who does not see it, and for a center that is not a base)
and looks the agreement up inside that base, so another base's agreement is a 404 like a missing one.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from bases.models import ActivityReport, BaseAgreement, Commitment
from bases.services import agreements as services
from bases.services import funding
from bases.services.ngos import base_operator, current_agreement
from centers import access
from centers.access import Action
from centers.models import Center
from centers.services.lifecycle import center_operating_problem
from centers.views.tenancy import staff_page
from core.forms import JalaliDateField, LocalIntegerField, apply_service


def _base(request, center_slug) -> Center:
    center = access.center_by_slug(request.actor, center_slug)
    if center.kind != Center.Kind.SOCIAL_HEALTH_BASE:
        raise Http404
    return center


def _is_base(center) -> bool:
    return center.kind == Center.Kind.SOCIAL_HEALTH_BASE


def _agreement(center, agreement_id) -> BaseAgreement:
    agreement = BaseAgreement.objects.filter(center=center, pk=agreement_id).select_related("ngo").first()
    if agreement is None:
        raise Http404
    return agreement


class ReportForm(forms.Form):
    commitment = forms.ModelChoiceField(label=_("Commitment"), queryset=None)
    reported_on = JalaliDateField(label=_("Date"))
    achieved = LocalIntegerField(label=_("Achieved (in the commitment's unit)"), min_value=1, max_value=10**9)
    people_reached = LocalIntegerField(label=_("People reached"), min_value=0, max_value=10**9, initial=0)
    description = forms.CharField(label=_("What was done"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].queryset = Commitment.objects.filter(center_id=agreement.center_id,
                                                                       agreement=agreement)
        self.fields["commitment"].label_from_instance = (
            lambda c: f"{c.get_activity_display()}: {c.description}")


@require_GET
@staff_page
def base_home(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    if not _is_base(center):  # the center's own people learn that it is not a base; outsiders got 404 above
        return render(request, "bases/not_a_base.html", {"center": center})
    operator = base_operator(center)
    ngo = operator.ngo if operator else None
    today = timezone.localdate()
    return render(request, "bases/base_home.html", {
        "center": center,
        "operator": operator,
        "ngo": ngo,
        "ngo_license": ngo.current_license(today) if ngo else None,
        "ngo_licenses": list(ngo.licenses.all()) if ngo else [],
        "track_record": list(ngo.track_record.all()) if ngo else [],
        "staff": list(ngo.staff.filter(active=True)) if ngo else [],
        "problem": center_operating_problem(center),
        "current": current_agreement(center),
        "agreements": BaseAgreement.objects.filter(center=center).order_by("-jalali_year"),
    })


@require_GET
@staff_page
def agreement_detail(request, center_slug, agreement_id):
    center = _base(request, center_slug)
    agreement = _agreement(center, agreement_id)
    breakdown = funding.score_breakdown(agreement)
    return render(request, "bases/agreement_detail.html", {
        "center": center,
        "agreement": agreement,
        "breakdown": breakdown,
        "reports": ActivityReport.objects.filter(center=center, commitment__agreement=agreement)
        .select_related("commitment", "recorded_by"),
        "can_report": (access.may(request.actor, Action.RECORD_BASE_ACTIVITY, center)
                       and agreement.performance == BaseAgreement.Performance.PENDING),
        "renewal": BaseAgreement.objects.filter(center=center, renewal_of=agreement).first(),
    })


@require_GET
@staff_page
def agreement_score(request, center_slug, agreement_id):
    center = _base(request, center_slug)
    agreement = _agreement(center, agreement_id)
    return render(request, "bases/agreement_score.html", {
        "center": center,
        "agreement": agreement,
        "breakdown": funding.score_breakdown(agreement),
        "adjustments": agreement.adjustments.filter(center=center).select_related("decided_by"),
        "next_allocation": funding.next_allocation(agreement),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def report_new(request, center_slug, agreement_id):
    center = _base(request, center_slug)
    agreement = _agreement(center, agreement_id)
    access.require(request.actor, Action.RECORD_BASE_ACTIVITY, center)
    form = ReportForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = apply_service(form, lambda: services.activity_report_record(
            actor=request.actor, commitment=data["commitment"], reported_on=data["reported_on"],
            achieved=data["achieved"], people_reached=data["people_reached"] or 0,
            description=data["description"]))
        if report is not None:
            messages.success(request, _("The activity report was recorded."))
            return redirect(reverse("bases:agreement-detail", kwargs={"center_slug": center.slug,
                                                                      "agreement_id": agreement.pk}))
    return render(request, "bases/report_form.html", {"center": center, "agreement": agreement, "form": form})


urlpatterns = [
    path("centers/<slug:center_slug>/base/", base_home, name="base-home"),
    path("centers/<slug:center_slug>/base/agreements/<int:agreement_id>/", agreement_detail,
         name="agreement-detail"),
    path("centers/<slug:center_slug>/base/agreements/<int:agreement_id>/score/", agreement_score,
         name="agreement-score"),
    path("centers/<slug:center_slug>/base/agreements/<int:agreement_id>/reports/new/", report_new,
         name="report-new"),
]
