"""The trustees' payments page: the center's merchant settings (chair and finance officer) and its online
payments with their status. An outsider gets 404 (``access.center_by_slug``)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from core.forms import apply_service

from .. import services
from ..forms import MerchantForm
from ..models import MerchantAccount, Payment


@require_http_methods(["GET", "POST"])
@staff_page
def center_payments(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.MANAGE_FINANCE, center)
    account = MerchantAccount.objects.filter(center=center).prefetch_related("accepted_purposes").first()
    initial = {}
    if account is not None:
        initial = {"gateway": account.gateway, "active": account.active,
                   "purposes": list(account.accepted_purposes.all())}
    form = MerchantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = apply_service(form, lambda: services.merchant_account_save(
            center=center, gateway=data["gateway"], merchant_id=data["merchant_id"], active=data["active"],
            purposes=list(data["purposes"]), user=request.user))
        if saved is not None:
            messages.success(request, _("The online giving settings were saved."))
            return redirect("payments:center-payments", center_slug=center.slug)
    payments = Payment.objects.filter(center=center).select_related("purpose", "contribution__receipt")
    status = request.GET.get("status", "")
    if status in Payment.Status.values:
        payments = payments.filter(status=status)
    page = Paginator(payments.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "payments/center_payments.html", {
        "center": center, "account": account, "form": form, "page": page, "status": status,
        "statuses": Payment.Status.choices})
