"""Pages of the stock area: the center's stock levels with the "distribute now" list of perishables near
expiry, one item's lots (Jalali expiry dates) and movements, the distribute form and the write-off form.

Every object is looked up inside the center named by the slug, so another center's item or lot is a 404
like a missing one; writing needs ``MANAGE_STOCK`` (403 for a trustee of the center without it).
"""

import datetime
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
from contributions.models import Purpose, StockItem, StockLot, StockMovement
from contributions.models.stock import format_quantity
from contributions.services import stock as services
from core.forms import JalaliDateField, LocalDecimalField, apply_service
from core.templatetags.fa import localize_digits


class QuantityField(LocalDecimalField):
    """A quantity of goods: up to three decimals, more than zero."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("min_value", Decimal("0.001"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})


class DistributeForm(forms.Form):
    quantity = QuantityField(label=_("Quantity"))
    purpose = forms.ModelChoiceField(
        label=_("Purpose"), queryset=Purpose.objects.none(), required=False,
        empty_label=_("Any (each lot as aid of its own purpose)"),
        help_text=_("Goods given for a purpose are distributed only as aid of that purpose."))
    recipient_reference = forms.CharField(
        label=_("Recipient reference"), max_length=120, required=False,
        help_text=_("A household file number or a short note; never shown to donors."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    occurred_on = JalaliDateField(label=_("Date"), required=False, help_text=_("Today when left empty."))

    def __init__(self, *args, purposes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = purposes


class WriteOffForm(forms.Form):
    cause = forms.ChoiceField(label=_("Cause"), choices=StockMovement.Cause.choices)
    quantity = QuantityField(label=_("Quantity"), required=False,
                             help_text=_("All that remains of the lot when left empty."))
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_on = JalaliDateField(label=_("Date"), required=False, help_text=_("Today when left empty."))


@require_GET
@staff_page
def stock_overview(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    today = timezone.localdate()
    levels = list(services.stock_levels(center=center))
    for item in levels:
        item.quantity_display = format_quantity(item.quantity)
    near = list(services.perishables_near_expiry(center=center, today=today))
    for lot in near:
        lot.days_left = (lot.expires_on - today).days
    return render(request, "contributions/stock/overview.html", {
        "center": center, "levels": levels, "near": near,
        "expired": services.expired_lots(center=center, today=today),
        "days": services.near_expiry_days(), "today": today,
        "can_manage": access.may(request.actor, Action.MANAGE_STOCK, center),
    })


def _item(center, item_id) -> StockItem:
    return get_object_or_404(StockItem, center=center, pk=item_id)


@require_GET
@staff_page
def stock_item(request, center_slug, item_id):
    center = access.center_by_slug(request.actor, center_slug)
    item = _item(center, item_id)
    today = timezone.localdate()
    lots = list(StockLot.objects.filter(center=center, item=item).select_related("purpose", "contribution")
                .order_by(*services.FEFO))
    held = [lot for lot in lots if lot.quantity_remaining > 0]
    horizon = today + datetime.timedelta(days=services.near_expiry_days())
    for lot in held:
        lot.expired = lot.is_expired(today)
        lot.urgent = lot.perishable and not lot.expired and lot.expires_on <= horizon
    return render(request, "contributions/stock/item.html", {
        "center": center, "item": item, "lots": held,
        "used_up": [lot for lot in lots if lot.quantity_remaining <= 0],
        "movements": (StockMovement.objects.filter(center=center, item=item)
                      .select_related("purpose", "created_by").order_by("-created_at", "-pk")[:100]),
        "total": format_quantity(sum((lot.quantity_remaining for lot in held), Decimal(0))),
        "value": sum(lot.value_remaining for lot in held),
        "can_manage": access.may(request.actor, Action.MANAGE_STOCK, center),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def stock_distribute(request, center_slug, item_id):
    center = access.center_by_slug(request.actor, center_slug)
    item = _item(center, item_id)
    access.require(request.actor, Action.MANAGE_STOCK, item)
    purposes = Purpose.objects.filter(pk__in=StockLot.objects.filter(
        center=center, item=item, quantity_remaining__gt=0).values("purpose_id"))
    form = DistributeForm(request.POST or None, purposes=purposes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = apply_service(form, lambda: services.stock_distribute(
            center=center, item=item, quantity=data["quantity"], purpose=data["purpose"],
            recipient_reference=data["recipient_reference"], note=data["note"],
            occurred_on=data["occurred_on"], user=request.user))
        if done is not None:
            messages.success(request, _("%(quantity)s %(unit)s of %(item)s were distributed.") % {
                "quantity": localize_digits(format_quantity(done.quantity)), "unit": item.get_unit_display(),
                "item": item.description})
            return redirect("contributions:stock-item", center_slug=center.slug, item_id=item.pk)
    return render(request, "contributions/stock/distribute.html", {
        "center": center, "item": item, "form": form,
        "lots": services.stock_lots(center=center, item=item), "today": timezone.localdate(),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def stock_write_off(request, center_slug, lot_id):
    center = access.center_by_slug(request.actor, center_slug)
    lot = get_object_or_404(StockLot.objects.select_related("item", "purpose"), center=center, pk=lot_id)
    access.require(request.actor, Action.MANAGE_STOCK, lot)
    today = timezone.localdate()
    initial = {"cause": StockMovement.Cause.EXPIRED} if lot.is_expired(today) else None
    form = WriteOffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = apply_service(form, lambda: services.stock_write_off(
            lot=lot, cause=data["cause"], reason=data["reason"], quantity=data["quantity"],
            occurred_on=data["occurred_on"], user=request.user))
        if done is not None:
            messages.success(request, _("The goods were written off."))
            return redirect("contributions:stock-item", center_slug=center.slug, item_id=lot.item_id)
    return render(request, "contributions/stock/write_off.html", {
        "center": center, "lot": lot, "form": form, "expired": lot.is_expired(today),
    })


urlpatterns = [
    path("centers/<slug:center_slug>/stock/", stock_overview, name="stock"),
    path("centers/<slug:center_slug>/stock/items/<int:item_id>/", stock_item, name="stock-item"),
    path("centers/<slug:center_slug>/stock/items/<int:item_id>/distribute/", stock_distribute,
         name="stock-distribute"),
    path("centers/<slug:center_slug>/stock/lots/<int:lot_id>/write-off/", stock_write_off,
         name="stock-write-off"),
]
