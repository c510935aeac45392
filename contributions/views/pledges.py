"""Trustee pages of the pledges area: the center's pledges with their fulfilment, a pledge's schedule, and the
forms to create a pledge, record a payment, pause, resume and cancel.

Every page takes the center's slug and looks the pledge up inside that center, so another center's pledge is
a 404 like a missing one. Writing needs RECORD_CONTRIBUTION (403 for a board member of the center without
it); each write calls one service, whose refusal becomes a form error.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from contributions.models import Contribution, InKindLine, Pledge, Purpose
from contributions.services import pledges as services
from core.forms import JalaliDateField, LocalDecimalField, LocalIntegerField, apply_service
from core.jalali import to_jalali
from donors.models import Donor


class PledgeForm(forms.Form):
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=None,
                                   help_text=_("Donors known to the center; register a new donor first."))
    kind = forms.ChoiceField(label=_("Kind of pledge"), choices=Pledge.Kind.choices)
    target = forms.ChoiceField(label=_("Pledged for"), choices=Pledge.Target.choices)
    purpose = forms.ModelChoiceField(label=_("Purpose"), queryset=Purpose.objects.all(), required=False,
                                     help_text=_("A sponsorship's purpose follows from it."))
    amount = LocalIntegerField(label=_("Amount per instalment (rials)"), min_value=1, max_value=services.MAX_AMOUNT,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
                                help_text=_("For goods, their estimated value in rials."))
    first_due_on = JalaliDateField(label=_("First instalment due on"),
                                   help_text=_("Monthly instalments fall on the same day of each Jalali month "
                                               "(the 31st becomes the month's last day)."))
    instalment_count = LocalIntegerField(label=_("Number of instalments"), required=False, min_value=1,
                                          max_value=services.MAX_INSTALMENTS,
                                          widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
                                          help_text=_("Monthly pledges only; leave empty for an open-ended "
                                                      "pledge."))
    form = forms.ChoiceField(label=_("Given as"), choices=Pledge.Form.choices)
    item_description = forms.CharField(label=_("Goods"), max_length=160, required=False)
    item_unit = forms.ChoiceField(label=_("Unit"), choices=[("", "—"), *InKindLine.Unit.choices], required=False)
    item_quantity = LocalDecimalField(label=_("Quantity per instalment"), required=False, max_digits=12,
                                       decimal_places=3, min_value=Decimal("0.001"),
                                       widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = Donor.objects.filter(links__center=center, merged_into__isnull=True)


class PaymentForm(forms.Form):
    amount = LocalIntegerField(label=_("Amount (rials)"), min_value=1,
                                max_value=services.MAX_AMOUNT * services.MAX_INSTALMENTS,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr",
                                                              "autofocus": True}))
    received_on = JalaliDateField(label=_("Date received"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Contribution.Channel.choices)
    external_reference = forms.CharField(label=_("Bank or gateway reference"), max_length=64, required=False)


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


def _pledge(request, center_slug, pledge_id, action=None):
    center = access.center_by_slug(request.actor, center_slug)
    pledge = get_object_or_404(Pledge.objects.select_related("donor", "purpose", "center"), center=center,
                               pk=pledge_id)
    if action is not None:
        access.require(request.actor, action, pledge)
    return center, pledge


@require_GET
@staff_page
def pledge_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    return render(request, "contributions/pledges/pledge_list.html", {
        "center": center, "pledges": services.pledges_with_fulfilment(center=center),
        "can_record": access.may(request.actor, Action.RECORD_CONTRIBUTION, center),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def pledge_new(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.RECORD_CONTRIBUTION, center)
    form = PledgeForm(request.POST or None, center=center,
                      initial={"first_due_on": timezone.localdate(), "kind": Pledge.Kind.MONTHLY})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        first = to_jalali(data["first_due_on"])
        goods = None
        if data["form"] == Pledge.Form.IN_KIND:
            goods = services.PledgeGoods(description=data["item_description"], unit=data["item_unit"],
                                         quantity=data["item_quantity"] or 0)
        pledge = apply_service(form, lambda: services.pledge_create(
            center=center, donor=data["donor"], kind=data["kind"], target=data["target"], purpose=data["purpose"],
            amount=data["amount"], start_year=first.year, start_month=first.month, due_day=first.day,
            instalment_count=data["instalment_count"], goods=goods, note=data["note"], user=request.user))
        if pledge is not None:
            messages.success(request, _("The pledge was recorded."))
            return redirect("contributions:pledge-detail", center_slug=center.slug, pledge_id=pledge.pk)
    return render(request, "contributions/pledges/pledge_form.html", {"center": center, "form": form})


@require_GET
@staff_page
def pledge_detail(request, center_slug, pledge_id):
    center, pledge = _pledge(request, center_slug, pledge_id)
    schedule = services.pledge_schedule(pledge)
    today = timezone.localdate()
    reminders = {r.instalment_id: r for r in pledge.reminders.all()}
    for instalment in schedule:
        instalment.sent_reminder = reminders.get(instalment.pk)
    return render(request, "contributions/pledges/pledge_detail.html", {
        "center": center, "pledge": pledge, "schedule": schedule, "today": today,
        "paid": sum(i.amount_paid for i in schedule),
        "due_to_date": sum(i.amount_paid if i.status == "waived" else i.amount_due
                           for i in schedule if i.due_on <= today or i.status == "waived"),
        "can_record": access.may(request.actor, Action.RECORD_CONTRIBUTION, pledge),
        "pause_form": PauseForm(), "cancel_form": CancelForm(),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def pledge_pay(request, center_slug, pledge_id):
    center, pledge = _pledge(request, center_slug, pledge_id, Action.RECORD_CONTRIBUTION)
    form = PaymentForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        gift = apply_service(form, lambda: services.pledge_record_payment(
            pledge=pledge, amount=data["amount"], received_on=data["received_on"], channel=data["channel"],
            external_reference=data["external_reference"], user=request.user))
        if gift is not None:
            messages.success(request, _("The payment was recorded and matched to the instalments."))
            return redirect("contributions:pledge-detail", center_slug=center.slug, pledge_id=pledge.pk)
    return render(request, "contributions/pledges/pledge_pay.html", {"center": center, "pledge": pledge,
                                                                     "form": form})


def _state_change(request, center_slug, pledge_id, *, form_class, call, title, done, button):
    center, pledge = _pledge(request, center_slug, pledge_id, Action.RECORD_CONTRIBUTION)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if apply_service(form, lambda: call(pledge, form.cleaned_data)) is not None:
            messages.success(request, done)
            return redirect("contributions:pledge-detail", center_slug=center.slug, pledge_id=pledge.pk)
    return render(request, "contributions/pledges/pledge_action.html", {
        "center": center, "pledge": pledge, "form": form, "title": title, "button": button})


@require_http_methods(["GET", "POST"])
@staff_page
def pledge_pause(request, center_slug, pledge_id):
    return _state_change(request, center_slug, pledge_id, form_class=PauseForm, title=_("Pause the pledge"),
                         button=_("Pause"), done=_("The pledge was paused: no reminders until it is resumed."),
                         call=lambda p, d: services.pledge_pause(pledge=p, reason=d["reason"], user=request.user))


class _NoFields(forms.Form):
    pass


@require_http_methods(["GET", "POST"])
@staff_page
def pledge_resume(request, center_slug, pledge_id):
    return _state_change(request, center_slug, pledge_id, form_class=_NoFields, title=_("Resume the pledge"),
                         button=_("Resume"), done=_("The pledge was resumed."),
                         call=lambda p, d: services.pledge_resume(pledge=p, user=request.user))


@require_http_methods(["GET", "POST"])
@staff_page
def pledge_cancel(request, center_slug, pledge_id):
    return _state_change(request, center_slug, pledge_id, form_class=CancelForm, title=_("Cancel the pledge"),
                         button=_("Cancel the pledge"), done=_("The pledge was cancelled; its history is kept."),
                         call=lambda p, d: services.pledge_cancel(pledge=p, reason=d["reason"], user=request.user))


urlpatterns = [
    path("centers/<slug:center_slug>/pledges/", pledge_list, name="pledge-list"),
    path("centers/<slug:center_slug>/pledges/new/", pledge_new, name="pledge-new"),
    path("centers/<slug:center_slug>/pledges/<int:pledge_id>/", pledge_detail, name="pledge-detail"),
    path("centers/<slug:center_slug>/pledges/<int:pledge_id>/pay/", pledge_pay, name="pledge-pay"),
    path("centers/<slug:center_slug>/pledges/<int:pledge_id>/pause/", pledge_pause, name="pledge-pause"),
    path("centers/<slug:center_slug>/pledges/<int:pledge_id>/resume/", pledge_resume, name="pledge-resume"),
    path("centers/<slug:center_slug>/pledges/<int:pledge_id>/cancel/", pledge_cancel, name="pledge-cancel"),
]
