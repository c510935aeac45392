"""Trustee pages of employment and empowerment plans: the center's plans with the milestones due, starting a
plan from a household's file, a plan's file, and its steps (milestones, funding lines, follow-up, closing).

Every page finds the plan inside the center of the slug: another center's plan is a 404 like a missing one.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries import selectors, services
from beneficiaries.models import EmpowermentPlan, Loan, PlanFunding, PlanMilestone
from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from core.forms import JalaliDateField, LocalIntegerField, apply_service

_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PlanForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal"), choices=EmpowermentPlan.Goal.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    member = forms.ModelChoiceField(label=_("Member in the plan"), queryset=None, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=_TEXTAREA)
    started_on = JalaliDateField(label=_("Started on"))
    target_on = JalaliDateField(label=_("Target date"), required=False)
    first_milestone = forms.CharField(label=_("First milestone"), max_length=200, required=False)
    first_milestone_due = JalaliDateField(label=_("First milestone due on"), required=False)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = household.members.all()
        self.fields["started_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if bool(data.get("first_milestone")) != bool(data.get("first_milestone_due")):
            raise forms.ValidationError(_("Give the first milestone both a title and a due date."))
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = JalaliDateField(label=_("Due on"))


class MilestoneUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanMilestone.Status.choices)
    done_on = JalaliDateField(label=_("Done on"), required=False)
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=_TEXTAREA,
                               help_text=_("A certificate, a visit, the shop's license, ..."))


class FundingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanFunding.Kind.choices)
    loan = forms.ModelChoiceField(label=_("Loan"), queryset=None, required=False)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, min_value=0, max_digits=10,
                                  decimal_places=2)
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False,
                           help_text=_("Hours, sessions, days, ..."))
    amount = LocalIntegerField(label=_("Value (rials)"), required=False, min_value=0,
                               max_value=services.plans.MAX_VALUE)
    reference = forms.CharField(label=_("Reference"), max_length=64, required=False,
                                help_text=_("For a grant: the distribution's reference."))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loan"].queryset = Loan.objects.filter(center_id=plan.center_id, household_id=plan.household_id
                                                           ).exclude(status=Loan.Status.DECLINED)


class FollowUpForm(forms.Form):
    follow_up = forms.ChoiceField(label=_("Follow-up"), choices=EmpowermentPlan.FollowUp.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=_TEXTAREA)
    on = JalaliDateField(label=_("Date"))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=EmpowermentPlan.Outcome.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=_TEXTAREA)
    close_household = forms.BooleanField(
        label=_("Also close the household's file (self-sufficient)"), required=False,
        help_text=_("Only when the household became self-sufficient; for the chair, the vice-chair or the "
                    "social worker."))


class PlanFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + EmpowermentPlan.Status.choices)


def _plan(request, center_slug, plan_id):
    center = access.center_by_slug(request.actor, center_slug)
    return center, services.plan_file(actor=request.actor, center=center, plan_id=plan_id)


def _back(center, plan):
    return redirect("beneficiaries:plan-detail", center_slug=center.slug, plan_id=plan.pk)


@require_GET
@staff_page
def plan_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    form = PlanFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    return render(request, "beneficiaries/plans/plan_list.html", {
        "center": center, "form": form, "today": timezone.localdate(),
        "plans": services.plans_for(actor=request.actor, center=center, status=status)[:500],
        "due": services.milestones_due(actor=request.actor, center=center)[:200],
    })


@require_http_methods(["GET", "POST"])
@staff_page
def plan_new(request, center_slug, household_id):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.MANAGE_PLANS, center)
    household = selectors.household_file(actor=request.actor, center=center, household_id=household_id)
    form = PlanForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        milestones = [(data["first_milestone"], data["first_milestone_due"])] if data["first_milestone"] else []
        plan = apply_service(form, lambda: services.plan_create(
            actor=request.actor, household=household, goal=data["goal"], title=data["title"],
            member=data["member"], description=data["description"], started_on=data["started_on"],
            target_on=data["target_on"], milestones=milestones))
        if plan is not None:
            messages.success(request, _("The plan was recorded."))
            return _back(center, plan)
    return render(request, "beneficiaries/plans/plan_form.html",
                  {"center": center, "household": household, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_GET
@staff_page
def plan_detail(request, center_slug, plan_id):
    center, plan = _plan(request, center_slug, plan_id)
    return render(request, "beneficiaries/plans/plan_detail.html", {
        "center": center, "plan": plan, "today": timezone.localdate(),
        "can_manage": access.may(request.actor, Action.MANAGE_PLANS, plan) and plan.status == "active",
        "can_see_loans": access.may(request.actor, Action.VIEW_LOANS, plan),
    })


def _step(request, center, plan, *, form, title, call, done, button=None):
    if request.method == "POST" and form.is_valid():
        if apply_service(form, call) is not None:
            messages.success(request, done)
            return _back(center, plan)
    return render(request, "beneficiaries/plans/plan_step.html",
                  {"center": center, "plan": plan, "form": form, "title": title, "button": button or _("Record")},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@staff_page
def milestone_new(request, center_slug, plan_id):
    center, plan = _plan(request, center_slug, plan_id)
    access.require(request.actor, Action.MANAGE_PLANS, plan)
    form = MilestoneForm(request.POST or None)
    return _step(request, center, plan, form=form, title=_("Add a milestone"), done=_("The milestone was added."),
                 call=lambda: services.milestone_add(actor=request.actor, plan=plan, **form.cleaned_data))


@require_http_methods(["GET", "POST"])
@staff_page
def milestone_edit(request, center_slug, plan_id, milestone_id):
    center, plan = _plan(request, center_slug, plan_id)
    access.require(request.actor, Action.MANAGE_PLANS, plan)
    milestone = get_object_or_404(PlanMilestone, center=center, plan=plan, pk=milestone_id)
    form = MilestoneUpdateForm(request.POST or None, initial={"status": milestone.status, "done_on": milestone.done_on,
                                                              "evidence": milestone.evidence})
    return _step(request, center, plan, form=form, done=_("The milestone was updated."),
                 title=_("Milestone: %(title)s") % {"title": milestone.title},
                 call=lambda: services.milestone_update(actor=request.actor, milestone=milestone,
                                                        **form.cleaned_data))


@require_http_methods(["GET", "POST"])
@staff_page
def funding_new(request, center_slug, plan_id):
    center, plan = _plan(request, center_slug, plan_id)
    access.require(request.actor, Action.MANAGE_PLANS, plan)
    form = FundingForm(request.POST or None, plan=plan)
    return _step(request, center, plan, form=form, title=_("Add a funding line"), done=_("The funding line was added."),
                 call=lambda: services.funding_add(actor=request.actor, plan=plan, **form.cleaned_data))


@require_http_methods(["GET", "POST"])
@staff_page
def plan_follow_up(request, center_slug, plan_id):
    center, plan = _plan(request, center_slug, plan_id)
    access.require(request.actor, Action.MANAGE_PLANS, plan)
    form = FollowUpForm(request.POST or None, initial={"follow_up": plan.follow_up, "on": timezone.localdate()})
    return _step(request, center, plan, form=form, title=_("Record a follow-up"), done=_("The follow-up was recorded."),
                 call=lambda: services.plan_follow_up(actor=request.actor, plan=plan, **form.cleaned_data))


@require_http_methods(["GET", "POST"])
@staff_page
def plan_close(request, center_slug, plan_id):
    center, plan = _plan(request, center_slug, plan_id)
    access.require(request.actor, Action.MANAGE_PLANS, plan)
    form = CloseForm(request.POST or None)
    return _step(request, center, plan, form=form, title=_("Close the plan"), button=_("Close the plan"),
                 done=_("The plan was closed."),
                 call=lambda: services.plan_close(actor=request.actor, plan=plan, **form.cleaned_data))


urlpatterns = [
    path("centers/<slug:center_slug>/plans/", plan_list, name="plan-list"),
    path("centers/<slug:center_slug>/households/<int:household_id>/plans/new/", plan_new, name="plan-new"),
    path("centers/<slug:center_slug>/plans/<int:plan_id>/", plan_detail, name="plan-detail"),
    path("centers/<slug:center_slug>/plans/<int:plan_id>/milestones/new/", milestone_new, name="milestone-new"),
    path("centers/<slug:center_slug>/plans/<int:plan_id>/milestones/<int:milestone_id>/", milestone_edit,
         name="milestone-edit"),
    path("centers/<slug:center_slug>/plans/<int:plan_id>/funding/new/", funding_new, name="funding-new"),
    path("centers/<slug:center_slug>/plans/<int:plan_id>/follow-up/", plan_follow_up, name="plan-follow-up"),
    path("centers/<slug:center_slug>/plans/<int:plan_id>/close/", plan_close, name="plan-close"),
]
