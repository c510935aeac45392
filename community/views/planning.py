"""Participatory plans (with stakeholders and actions), collective actions carried out, and partnerships."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from centers.views.tenancy import staff_page
from community import services
from community.models import (
    CollectiveAction,
    LocalProblem,
    ParticipatoryPlan,
    Partnership,
    PlanAction,
    ProblemCategory,
    Stakeholder,
)
from core.forms import JalaliDateField, LocalIntegerField, apply_service

from .common import can_manage, center_for, form_page

_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = JalaliDateField(label=_("Starts on"))
    ends_on = JalaliDateField(label=_("Ends on"))
    goals = forms.CharField(label=_("Goals"), widget=_TEXTAREA)
    problems = forms.ModelMultipleChoiceField(label=_("Local problems it addresses"), required=False,
                                              queryset=LocalProblem.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problems"].queryset = (LocalProblem.objects.filter(center=center)
                                            .select_related("assessment").order_by("-assessment__assessed_on",
                                                                                   "priority_rank"))


class StakeholderForm(forms.Form):
    name = forms.CharField(label=_("Stakeholder"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—")] + Stakeholder.Kind.choices)
    role = forms.CharField(label=_("Part in the plan"), max_length=300, required=False)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    responsible = forms.CharField(label=_("Responsible"), max_length=200)
    due_on = JalaliDateField(label=_("Due on"))


StakeholderFormSet = forms.formset_factory(StakeholderForm, extra=4, max_num=30)
ActionFormSet = forms.formset_factory(ActionForm, extra=4, max_num=50)


class CollectiveActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Harm it addresses"), required=False,
                                 choices=[("", "—")] + ProblemCategory.choices)
    plan = forms.ModelChoiceField(label=_("Participatory plan"), required=False,
                                  queryset=ParticipatoryPlan.objects.none())
    held_on = JalaliDateField(label=_("Held on"))
    reach = LocalIntegerField(label=_("People reached"), min_value=0, max_value=10_000_000)
    participants = LocalIntegerField(label=_("Participants"), min_value=0, max_value=10_000_000,
                                     help_text=_("People who ran it: volunteers, residents, partners."))
    participants_description = forms.CharField(label=_("Who took part"), required=False, widget=_TEXTAREA)
    description = forms.CharField(label=_("Description"), required=False, widget=_TEXTAREA)

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = ParticipatoryPlan.objects.filter(center=center)


class PartnershipForm(forms.Form):
    body = forms.CharField(label=_("Local body"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Stakeholder.Kind.choices)
    subject = forms.CharField(label=_("What the partnership covers"), widget=_TEXTAREA)
    started_on = JalaliDateField(label=_("Started on"))
    ends_on = JalaliDateField(label=_("Ends on"), required=False)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)


def _filled(formset):
    return [f.cleaned_data for f in formset if f.has_changed() and f.cleaned_data]


@require_GET
@staff_page
def plan_list(request, center_slug):
    center = center_for(request, center_slug)
    plans = ParticipatoryPlan.objects.filter(center=center).prefetch_related("stakeholders", "actions")
    return render(request, "community/plan_list.html", {
        "center": center, "plans": plans, "can_manage": can_manage(request, center)})


@require_http_methods(["GET", "POST"])
@staff_page
def plan_detail(request, center_slug, community_plan_id):
    """The plan; a POST changes the plan's status (``plan_status``) or one action's (``action``, ``status``)."""
    center = center_for(request, center_slug)
    plan = get_object_or_404(ParticipatoryPlan, center=center, pk=community_plan_id)
    if request.method == "POST":
        center_for(request, center_slug, manage=True)
        try:
            if request.POST.get("plan_status"):
                services.plan_set_status(actor=request.actor, plan=plan, status=request.POST["plan_status"])
            else:
                action_id = request.POST.get("action", "")
                action = get_object_or_404(PlanAction, center=center, plan=plan,
                                           pk=int(action_id) if action_id.isdigit() else 0)
                services.plan_action_set_status(actor=request.actor, action=action,
                                                status=request.POST.get("status", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The status was changed."))
        return redirect("community:plan-detail", center_slug=center.slug, community_plan_id=plan.pk)
    actions = CollectiveAction.objects.filter(center=center, plan=plan)
    return render(request, "community/plan_detail.html", {
        "center": center, "plan": plan, "stakeholders": plan.stakeholders.all(), "actions": plan.actions.all(),
        "problems": plan.problems.select_related("assessment"), "collective_actions": actions,
        "reach": actions.aggregate(n=Sum("reach"))["n"] or 0, "statuses": PlanAction.Status.choices,
        "next_statuses": [(s, ParticipatoryPlan.Status(s).label)
                          for s in services.planning.PLAN_STEPS.get(plan.status, ())],
        "can_manage": can_manage(request, center), "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@staff_page
def plan_new(request, center_slug):
    center = center_for(request, center_slug, manage=True)
    form = PlanForm(request.POST or None, center=center)
    stakeholders = StakeholderFormSet(request.POST or None, prefix="stakeholders")
    actions = ActionFormSet(request.POST or None, prefix="actions")
    if request.method == "POST" and form.is_valid() and stakeholders.is_valid() and actions.is_valid():
        data = form.cleaned_data
        plan = apply_service(form, lambda: services.plan_record(
            actor=request.actor, center=center, title=data["title"], starts_on=data["starts_on"],
            ends_on=data["ends_on"], goals=data["goals"], problems=list(data["problems"]),
            stakeholders=[services.StakeholderInput(**s) for s in _filled(stakeholders)],
            actions=[services.ActionInput(**a) for a in _filled(actions)]))
        if plan is not None:
            messages.success(request, _("The participatory plan was recorded."))
            return redirect("community:plan-detail", center_slug=center.slug, community_plan_id=plan.pk)
    return form_page(request, "community/plan_form.html", {
        "center": center, "form": form, "stakeholders": stakeholders, "actions": actions})


@require_GET
@staff_page
def action_list(request, center_slug):
    center = center_for(request, center_slug)
    actions = CollectiveAction.objects.filter(center=center).select_related("plan")
    totals = actions.aggregate(reach=Sum("reach"), participants=Sum("participants"))
    return render(request, "community/action_list.html", {
        "center": center, "actions": actions, "totals": totals, "can_manage": can_manage(request, center)})


@require_http_methods(["GET", "POST"])
@staff_page
def action_new(request, center_slug):
    center = center_for(request, center_slug, manage=True)
    form = CollectiveActionForm(request.POST or None, center=center, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        action = apply_service(form, lambda: services.collective_action_record(
            actor=request.actor, center=center, **form.cleaned_data))
        if action is not None:
            messages.success(request, _("The collective action was recorded."))
            return redirect("community:action-list", center_slug=center.slug)
    return form_page(request, "community/form.html", {
        "center": center, "form": form, "title": _("Record a collective action"), "back": "community:action-list"})


@require_GET
@staff_page
def partnership_list(request, center_slug):
    center = center_for(request, center_slug)
    return render(request, "community/partnership_list.html", {
        "center": center, "partnerships": Partnership.objects.filter(center=center),
        "today": timezone.localdate(), "can_manage": can_manage(request, center)})


@require_http_methods(["GET", "POST"])
@staff_page
def partnership_new(request, center_slug):
    center = center_for(request, center_slug, manage=True)
    form = PartnershipForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        partnership = apply_service(form, lambda: services.partnership_record(
            actor=request.actor, center=center, **form.cleaned_data))
        if partnership is not None:
            messages.success(request, _("The partnership was recorded."))
            return redirect("community:partnership-list", center_slug=center.slug)
    return form_page(request, "community/form.html", {
        "center": center, "form": form, "title": _("Record a partnership with a local body"),
        "back": "community:partnership-list"})


urlpatterns = [
    path("centers/<slug:center_slug>/community/plans/", plan_list, name="plan-list"),
    path("centers/<slug:center_slug>/community/plans/new/", plan_new, name="plan-new"),
    path("centers/<slug:center_slug>/community/plans/<int:community_plan_id>/", plan_detail, name="plan-detail"),
    path("centers/<slug:center_slug>/community/actions/", action_list, name="action-list"),
    path("centers/<slug:center_slug>/community/actions/new/", action_new, name="action-new"),
    path("centers/<slug:center_slug>/community/partnerships/", partnership_list, name="partnership-list"),
    path("centers/<slug:center_slug>/community/partnerships/new/", partnership_new, name="partnership-new"),
]
