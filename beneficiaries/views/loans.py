"""Trustee pages of interest-free loans: the center's loans with the fund's position, the overdue list,
recording a request from a household's file, a loan's file (schedule, repayments, guarantors), and the steps:
approve or decline, disburse, record a repayment, write off.

Every page takes the center's slug and finds the loan inside that center (another center's loan is a 404
like a missing one); a role that may not see loans gets 403. The services ask the access module again.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries import selectors, services
from beneficiaries.models import Loan, LoanRepayment
from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from core.forms import JalaliDateField, LocalIntegerField, apply_service

PAGE_SIZE = 50
_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class LoanRequestForm(forms.Form):
    borrower = forms.ModelChoiceField(label=_("Borrower"), queryset=None, empty_label=None)
    amount = LocalIntegerField(label=_("Amount (rials)"), min_value=1, max_value=services.loans.MAX_LOAN)
    purpose = forms.ChoiceField(label=_("Purpose of the loan"), choices=Loan.Purpose.choices)
    purpose_note = forms.CharField(label=_("What the loan is for"), required=False, widget=_TEXTAREA)
    instalment_count = LocalIntegerField(label=_("Number of monthly instalments"), min_value=1,
                                         max_value=services.loans.MAX_INSTALMENTS)
    first_due_on = JalaliDateField(label=_("First instalment due on"),
                                   help_text=_("Later instalments fall on the same day of each Jalali month "
                                               "(the month's last day when it is shorter)."))
    requested_on = JalaliDateField(label=_("Requested on"))

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borrower"].queryset = household.members.all()
        self.fields["borrower"].initial = household.head_id
        self.fields["requested_on"].initial = timezone.localdate()


class GuarantorForm(forms.Form):
    full_name = forms.CharField(label=_("Guarantor's name"), max_length=128)
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           help_text=_("How the guarantee is given (a cheque, a payroll deduction, ...)."))


GuarantorFormSet = forms.formset_factory(GuarantorForm, extra=2, max_num=5)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    note = forms.CharField(label=_("Note (the reason when declining)"), required=False, widget=_TEXTAREA)


class DisburseForm(forms.Form):
    disbursed_on = JalaliDateField(label=_("Disbursed on"))


class RepaymentForm(forms.Form):
    amount = LocalIntegerField(label=_("Amount (rials)"), min_value=1, max_value=services.loans.MAX_LOAN)
    received_on = JalaliDateField(label=_("Received on"))
    channel = forms.ChoiceField(label=_("Received as"), choices=LoanRepayment.Channel.choices)
    reference = forms.CharField(label=_("Receipt or bank slip number"), max_length=64)


class WriteOffForm(forms.Form):
    decision_reference = forms.CharField(label=_("Board decision"), max_length=32,
                                         help_text=_("The decision's reference in the minutes, such as 1405/03-2."))
    reason = forms.CharField(label=_("Reason"), widget=_TEXTAREA)


class LoanFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + Loan.Status.choices)


def _loan(request, center_slug, loan_id):
    center = access.center_by_slug(request.actor, center_slug)
    return center, services.loan_file(actor=request.actor, center=center, loan_id=loan_id)


def _back(center, loan):
    return redirect("beneficiaries:loan-detail", center_slug=center.slug, loan_id=loan.pk)


@require_GET
@staff_page
def loan_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    form = LoanFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    loans = services.loans_for(actor=request.actor, center=center, status=status)
    page = Paginator(loans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "beneficiaries/loans/loan_list.html", {
        "center": center, "form": form, "page": page, "position": services.qard_hasan_position(center=center),
        "query": f"status={status}" if status else "",
    })


@require_GET
@staff_page
def loan_overdue(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.VIEW_LOANS, center)
    today = timezone.localdate()
    rows = [(i, i.days_late(today)) for i in services.overdue_loan_instalments(center=center, today=today)[:500]]
    return render(request, "beneficiaries/loans/loan_overdue.html", {"center": center, "rows": rows})


@require_http_methods(["GET", "POST"])
@staff_page
def loan_new(request, center_slug, household_id):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.MANAGE_LOANS, center)
    household = selectors.household_file(actor=request.actor, center=center, household_id=household_id)
    form = LoanRequestForm(request.POST or None, household=household)
    guarantors = GuarantorFormSet(request.POST or None, prefix="guarantors")
    if request.method == "POST" and form.is_valid() and guarantors.is_valid():
        data = form.cleaned_data
        loan = apply_service(form, lambda: services.loan_request(
            actor=request.actor, household=household, borrower=data["borrower"], amount=data["amount"],
            purpose=data["purpose"], purpose_note=data["purpose_note"], instalment_count=data["instalment_count"],
            first_due_on=data["first_due_on"], requested_on=data["requested_on"],
            guarantors=[services.GuarantorInput(g.cleaned_data["full_name"], g.cleaned_data.get("note", ""))
                        for g in guarantors if g.has_changed() and g.cleaned_data]))
        if loan is not None:
            messages.success(request, _("The loan request was recorded."))
            return _back(center, loan)
    return render(request, "beneficiaries/loans/loan_form.html",
                  {"center": center, "household": household, "form": form, "guarantors": guarantors},
                  status=400 if request.method == "POST" else 200)


@require_GET
@staff_page
def loan_detail(request, center_slug, loan_id):
    center, loan = _loan(request, center_slug, loan_id)
    may = {name: access.may(request.actor, action, loan) for name, action in
           (("manage", Action.MANAGE_LOANS), ("money", Action.HANDLE_LOAN_MONEY))}
    today = timezone.localdate()
    instalments = list(loan.instalments.order_by("sequence"))
    for instalment in instalments:
        instalment.late = instalment.days_late(today) if instalment.status in instalment.OPEN else 0
    return render(request, "beneficiaries/loans/loan_detail.html", {
        "center": center, "loan": loan, "may": may, "today": today,
        "instalments": instalments, "outstanding": services.loan_outstanding(loan),
        "planned": loan.planned_due_dates() if not instalments else [],
        "repayments": loan.repayments.select_related("recorded_by"), "guarantors": loan.guarantors.all(),
        "plans": loan.plan_funding.select_related("plan"),
    })


def _step(request, center, loan, *, form, title, button, call, done, help_text=""):
    if request.method == "POST" and form.is_valid():
        if apply_service(form, call) is not None:
            messages.success(request, done)
            return _back(center, loan)
    return render(request, "beneficiaries/loans/loan_step.html", {
        "center": center, "loan": loan, "form": form, "title": title, "button": button, "help": help_text,
    }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@staff_page
def loan_decide(request, center_slug, loan_id):
    center, loan = _loan(request, center_slug, loan_id)
    access.require(request.actor, Action.MANAGE_LOANS, loan)
    form = DecisionForm(request.POST or None)

    def call():
        data = form.cleaned_data
        if data["decision"] == "approve":
            return services.loan_approve(actor=request.actor, loan=loan, note=data["note"])
        return services.loan_decline(actor=request.actor, loan=loan, reason=data["note"])

    return _step(request, center, loan, form=form, title=_("Approve or decline the loan"), button=_("Record"),
                 call=call, done=_("The decision was recorded."))


@require_http_methods(["GET", "POST"])
@staff_page
def loan_disburse(request, center_slug, loan_id):
    center, loan = _loan(request, center_slug, loan_id)
    access.require(request.actor, Action.HANDLE_LOAN_MONEY, loan)
    form = DisburseForm(request.POST or None, initial={"disbursed_on": timezone.localdate()})
    return _step(request, center, loan, form=form, title=_("Disburse the loan"), button=_("Disburse"),
                 help_text=_("The amount leaves the qard al-hasan fund and is written as the loan's schedule. "
                             "It is refused when the fund does not hold it."),
                 call=lambda: services.loan_disburse(actor=request.actor, loan=loan,
                                                     disbursed_on=form.cleaned_data["disbursed_on"]),
                 done=_("The loan was disbursed."))


@require_http_methods(["GET", "POST"])
@staff_page
def loan_repay(request, center_slug, loan_id):
    center, loan = _loan(request, center_slug, loan_id)
    access.require(request.actor, Action.HANDLE_LOAN_MONEY, loan)
    form = RepaymentForm(request.POST or None, initial={"received_on": timezone.localdate()})

    def call():
        data = form.cleaned_data
        return services.loan_record_repayment(actor=request.actor, loan=loan, amount=data["amount"],
                                              received_on=data["received_on"], channel=data["channel"],
                                              reference=data["reference"])

    return _step(request, center, loan, form=form, title=_("Record a repayment"), button=_("Record"),
                 help_text=_("The money goes to the oldest unpaid instalments first; it returns to the qard "
                             "al-hasan fund. Each receipt number is recorded once."),
                 call=call, done=_("The repayment was recorded."))


@require_http_methods(["GET", "POST"])
@staff_page
def loan_write_off(request, center_slug, loan_id):
    center, loan = _loan(request, center_slug, loan_id)
    access.require(request.actor, Action.MANAGE_LOANS, loan)
    form = WriteOffForm(request.POST or None)
    return _step(request, center, loan, form=form, title=_("Write off the loan"), button=_("Write off"),
                 help_text=_("What is still owed is written off as aid from the qard al-hasan fund, on a "
                             "decision recorded in the board's minutes."),
                 call=lambda: services.loan_write_off(
                     actor=request.actor, loan=loan, decision_reference=form.cleaned_data["decision_reference"],
                     reason=form.cleaned_data["reason"]),
                 done=_("The loan was written off."))


def household_links(actor, center, household) -> dict:
    """What ``_household_links.html`` shows on a household's file: its loans and plans, and what may be
    started from there."""
    from beneficiaries.models import EmpowermentPlan

    context = {"center": center, "household": household, "loans": None, "plans": None}
    if access.may(actor, Action.VIEW_LOANS, center):
        context["loans"] = Loan.objects.filter(center=center, household=household).order_by("-requested_on", "-pk")
        context["new_loan"] = (reverse("beneficiaries:loan-new", kwargs={"center_slug": center.slug,
                                                                        "household_id": household.pk})
                               if access.may(actor, Action.MANAGE_LOANS, center) else "")
    if access.may(actor, Action.VIEW_PLANS, center):
        context["plans"] = EmpowermentPlan.objects.filter(center=center, household=household)
        context["new_plan"] = (reverse("beneficiaries:plan-new", kwargs={"center_slug": center.slug,
                                                                        "household_id": household.pk})
                               if access.may(actor, Action.MANAGE_PLANS, center) else "")
    return context


urlpatterns = [
    path("centers/<slug:center_slug>/loans/", loan_list, name="loan-list"),
    path("centers/<slug:center_slug>/loans/overdue/", loan_overdue, name="loan-overdue"),
    path("centers/<slug:center_slug>/households/<int:household_id>/loans/new/", loan_new, name="loan-new"),
    path("centers/<slug:center_slug>/loans/<int:loan_id>/", loan_detail, name="loan-detail"),
    path("centers/<slug:center_slug>/loans/<int:loan_id>/decide/", loan_decide, name="loan-decide"),
    path("centers/<slug:center_slug>/loans/<int:loan_id>/disburse/", loan_disburse, name="loan-disburse"),
    path("centers/<slug:center_slug>/loans/<int:loan_id>/repay/", loan_repay, name="loan-repay"),
    path("centers/<slug:center_slug>/loans/<int:loan_id>/write-off/", loan_write_off, name="loan-write-off"),
]
