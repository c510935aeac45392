"""Trustee pages of aid distribution and dowry aid: the distribution form from a household's file (cash, goods
or a donated service), the center's distributions with filters and totals, one distribution with its printable
acknowledgement (PDF) and its reversal, and the dowry cases (list, request, file, approve, deliver, cancel).

Every page takes the center's slug and looks its object up inside that center, so another center's
distribution or case is a 404 like a missing one. Seeing needs ``VIEW_BENEFICIARIES`` (who received aid is
beneficiary data); recording needs ``DISTRIBUTE_AID`` (and, for an aid officer, their own purpose); reversing
and approving need ``MANAGE_FINANCE`` — the services ask the access module, the pages only show what applies.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries import rls, selectors
from beneficiaries.models import AidDistribution, AidGoodsLine, DowryCase, ServiceCapacityUse
from beneficiaries.services import distributions as services
from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from contributions.models import Purpose, ServiceDetail, StockItem, StockLot
from contributions.services.stock import with_levels
from core.forms import JalaliDateField, LocalDecimalField, LocalIntegerField, apply_service

PAGE_SIZE = 50
KINDS = AidDistribution.Kind.values

# --- Forms -----------------------------------------------------------------------------------------------


class _DistributionForm(forms.Form):
    purpose = forms.ModelChoiceField(label=_("Aid purpose"), queryset=Purpose.objects.none())
    source_purpose = forms.ModelChoiceField(
        label=_("Paid from"), queryset=Purpose.objects.none(), required=False,
        empty_label=_("The aid purpose's own money, goods or services"),
        help_text=_("General money, goods or services may pay for any purpose, with a recorded approval."))
    approval_reference = forms.CharField(
        label=_("Approval reference"), max_length=128, required=False,
        help_text=_("The board or council decision (e.g. 1405/02-3); required when general money is used."))
    member = forms.ChoiceField(label=_("For member"), required=False)
    occurred_on = JalaliDateField(label=_("Date"), required=False, help_text=_("Today when left empty."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, household, dowry_case=None, **kwargs):
        super().__init__(*args, **kwargs)
        purposes = Purpose.objects.order_by("code")
        self.fields["purpose"].queryset = purposes
        self.fields["source_purpose"].queryset = purposes
        self.fields["member"].choices = [("", _("The whole household"))] + [
            (str(m.pk), m.full_name) for m in household.members.all()]
        if dowry_case is not None:
            self.fields["purpose"].queryset = purposes.filter(code=services.DOWRY)
            self.fields["purpose"].initial = self.fields["purpose"].queryset.first()
            self.fields["member"].initial = str(dowry_case.member_id)

    def member_of(self, household):
        wanted = self.cleaned_data.get("member")
        return next((m for m in household.members.all() if str(m.pk) == wanted), None) if wanted else None


class CashForm(_DistributionForm):
    amount = LocalIntegerField(label=_("Amount (rials)"), min_value=1, max_value=services.MAX_AMOUNT)


class ServiceForm(_DistributionForm):
    service_type = forms.ChoiceField(label=_("Service type"), choices=ServiceDetail.ServiceType.choices)
    measure = forms.ChoiceField(label=_("Measured in"), choices=ServiceDetail.Measure.choices)
    quantity = LocalDecimalField(label=_("Hours or sessions"), max_digits=8, decimal_places=1, min_value=Decimal("0.1"))


class GoodsForm(_DistributionForm):
    pass


class GoodsRowForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=StockItem.objects.none(), required=False)
    quantity = LocalDecimalField(label=_("Quantity"), max_digits=12, decimal_places=3, min_value=Decimal("0.001"),
                                 required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items

    def clean(self):
        data = super().clean()
        if data.get("item") and not data.get("quantity"):
            self.add_error("quantity", _("Enter the quantity to hand out."))
        if data.get("quantity") and not data.get("item"):
            self.add_error("item", _("Choose the item."))
        return data


GoodsRowFormSet = forms.formset_factory(GoodsRowForm, extra=5, max_num=20)

FORMS = {"cash": CashForm, "goods": GoodsForm, "service": ServiceForm}


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + AidDistribution.Kind.choices)
    purpose = forms.ModelChoiceField(label=_("Aid purpose"), required=False, queryset=Purpose.objects.none(),
                                     empty_label=_("All"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + AidDistribution.Status.choices)
    start = JalaliDateField(label=_("From"), required=False)
    end = JalaliDateField(label=_("To"), required=False)
    household = LocalIntegerField(label=_("Household file number"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = Purpose.objects.order_by("code")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 3}))


class DowryCaseForm(forms.Form):
    member = forms.ChoiceField(label=_("Member about to marry"))
    wedding_on = JalaliDateField(label=_("Wedding date"))
    spouse_name = forms.CharField(label=_("Spouse's name"), max_length=128, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—")] + [(str(m.pk), m.full_name) for m in household.members.all()]


class DowryItemForm(forms.Form):
    description = forms.CharField(label=_("Item"), max_length=160, required=False)
    estimated_value = LocalIntegerField(label=_("Estimated value (rials)"), min_value=1,
                                        max_value=services.MAX_AMOUNT, required=False)

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("estimated_value"):
            self.add_error("estimated_value", _("Enter the item's estimated value."))
        return data


DowryItemFormSet = forms.formset_factory(DowryItemForm, extra=8, max_num=30)


class ApproveForm(forms.Form):
    approval_reference = forms.CharField(label=_("Approval reference"), max_length=128, required=False)


# --- Helpers ---------------------------------------------------------------------------------------------

def _household(request, center_slug, household_id):
    center = access.center_by_slug(request.actor, center_slug)
    return center, selectors.household_file(actor=request.actor, center=center, household_id=household_id)


def _distribution(request, center_slug, distribution_id):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.VIEW_BENEFICIARIES, center)
    rls.apply_scope(fallback=[center.pk])
    distribution = (AidDistribution.objects.filter(center=center, pk=distribution_id)
                    .select_related("household__head", "household__center__organization", "member", "purpose",
                                    "source_purpose", "recorded_by", "reversed_by", "ledger_transaction",
                                    "dowry_case")
                    .prefetch_related(Prefetch("goods", queryset=AidGoodsLine.objects.filter(center=center)
                                               .select_related("item")),
                                      Prefetch("service_uses", queryset=ServiceCapacityUse.objects.filter(
                                          center=center).select_related("service__contribution")))
                    .first())
    if distribution is None:
        raise Http404
    return center, distribution


def _case(request, center_slug, case_id):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.VIEW_BENEFICIARIES, center)
    rls.apply_scope(fallback=[center.pk])
    case = (DowryCase.objects.filter(center=center, pk=case_id)
            .select_related("household__head", "member", "requested_by", "approved_by").first())
    if case is None:
        raise Http404
    return center, case


def _stock_items(center):
    held = StockLot.objects.filter(center=center, quantity_remaining__gt=0).values("item_id")
    return with_levels(StockItem.objects.filter(center=center, pk__in=held)).order_by("category", "description")


# --- Distributions ---------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_page
def distribution_new(request, center_slug, household_id):
    center, household = _household(request, center_slug, household_id)
    access.require(request.actor, Action.DISTRIBUTE_AID, household)
    kind = request.GET.get("kind", "cash")
    if kind not in KINDS:
        kind = "cash"
    case = None
    wanted_case = request.GET.get("dowry_case", "")
    if wanted_case:
        rls.apply_scope(fallback=[center.pk])
        case = DowryCase.objects.filter(center=center, household=household,
                                        pk=int(wanted_case) if wanted_case.isdigit() else 0).first()
        if case is None:
            raise Http404
    form = FORMS[kind](request.POST or None, household=household, dowry_case=case)
    items = _stock_items(center)
    rows = GoodsRowFormSet(request.POST or None, prefix="goods", form_kwargs={"items": items}) \
        if kind == "goods" else None
    if request.method == "POST" and form.is_valid() and (rows is None or rows.is_valid()):
        data = form.cleaned_data
        common = dict(actor=request.actor, household=household, purpose=data["purpose"],
                      source_purpose=data["source_purpose"], approval_reference=data["approval_reference"],
                      occurred_on=data["occurred_on"], member=form.member_of(household), note=data["note"],
                      dowry_case=case)
        if kind == "cash":
            call = lambda: services.distribution_record_cash(amount=data["amount"], **common)  # noqa: E731
        elif kind == "service":
            call = lambda: services.distribution_record_service(  # noqa: E731
                service_type=data["service_type"], measure=data["measure"], quantity=data["quantity"], **common)
        else:
            goods = [services.GoodsRequest(item=r.cleaned_data["item"], quantity=r.cleaned_data["quantity"])
                     for r in rows if r.cleaned_data.get("item")]
            call = lambda: services.distribution_record_goods(goods=goods, **common)  # noqa: E731
        try:
            done = apply_service(form, call)
        except PermissionDenied:
            form.add_error("purpose", _("You may not distribute aid of this purpose."))
            done = None
        if done is not None:
            messages.success(request, _("The distribution was recorded."))
            return redirect("beneficiaries:distribution-detail", center_slug=center.slug, distribution_id=done.pk)
    return render(request, "beneficiaries/distributions/form.html", {
        "center": center, "household": household, "kind": kind, "kinds": AidDistribution.Kind.choices,
        "form": form, "rows": rows, "case": case,
        "items": list(items) if kind == "goods" else [],
        "capacity": services.service_capacity(center=center) if kind == "service" else [],
    }, status=400 if request.method == "POST" else 200)


@require_GET
@staff_page
def distribution_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    form = FilterForm(request.GET or None)
    filters = services.DistributionFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = services.DistributionFilters(kind=data["kind"], purpose=data["purpose"], status=data["status"],
                                               start=data["start"], end=data["end"], household=data["household"])
    distributions = services.distributions_for_center(actor=request.actor, center=center, filters=filters)
    page = Paginator(distributions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "beneficiaries/distributions/list.html", {
        "center": center, "form": form, "page": page, "query": query.urlencode(),
        "totals": services.distribution_totals(distributions),
        "capacity": services.service_capacity(center=center),
    })


@require_GET
@staff_page
def distribution_detail(request, center_slug, distribution_id):
    center, distribution = _distribution(request, center_slug, distribution_id)
    return render(request, "beneficiaries/distributions/detail.html", {
        "center": center, "distribution": distribution, "household": distribution.household,
        "household_reference": services.household_reference(distribution.household),
        "can_reverse": (distribution.status == AidDistribution.Status.RECORDED
                        and distribution.kind != AidDistribution.Kind.GOODS
                        and access.may(request.actor, Action.MANAGE_FINANCE, center)),
    })


@require_GET
@staff_page
def distribution_acknowledgement(request, center_slug, distribution_id):
    _center, distribution = _distribution(request, center_slug, distribution_id)
    filename, content_type, content = services.acknowledgement_pdf(distribution)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@require_http_methods(["GET", "POST"])
@staff_page
def distribution_reverse(request, center_slug, distribution_id):
    center, distribution = _distribution(request, center_slug, distribution_id)
    access.require(request.actor, Action.MANAGE_FINANCE, distribution)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(form, lambda: services.distribution_reverse(
            actor=request.actor, distribution=distribution, reason=form.cleaned_data["reason"]))
        if done is not None:
            messages.success(request, _("The distribution was reversed."))
            return redirect("beneficiaries:distribution-detail", center_slug=center.slug,
                            distribution_id=distribution.pk)
    return render(request, "beneficiaries/distributions/reverse.html",
                  {"center": center, "distribution": distribution, "form": form},
                  status=400 if request.method == "POST" else 200)


# --- Dowry cases -----------------------------------------------------------------------------------------

@require_GET
@staff_page
def dowry_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.VIEW_BENEFICIARIES, center)
    rls.apply_scope(fallback=[center.pk])
    status = request.GET.get("status", "")
    cases = (DowryCase.objects.filter(center=center).select_related("household__head", "member")
             .prefetch_related("items").order_by("wedding_on", "pk"))
    if status in DowryCase.Status.values:
        cases = cases.filter(status=status)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "beneficiaries/distributions/dowry_list.html", {
        "center": center, "page": page, "status": status, "statuses": DowryCase.Status.choices,
    })


@require_http_methods(["GET", "POST"])
@staff_page
def dowry_new(request, center_slug, household_id):
    center, household = _household(request, center_slug, household_id)
    access.require(request.actor, Action.VIEW_BENEFICIARIES, household)
    form = DowryCaseForm(request.POST or None, household=household)
    items = DowryItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        data = form.cleaned_data
        member = next((m for m in household.members.all() if str(m.pk) == data["member"]), None)
        case = apply_service(form, lambda: services.dowry_case_request(
            actor=request.actor, household=household, member=member, wedding_on=data["wedding_on"],
            spouse_name=data["spouse_name"], note=data["note"],
            items=[services.DowryItemInput(i.cleaned_data["description"], i.cleaned_data["estimated_value"])
                   for i in items if i.cleaned_data.get("description")]))
        if case is not None:
            messages.success(request, _("The dowry case was opened."))
            return redirect("beneficiaries:dowry-detail", center_slug=center.slug, dowry_case_id=case.pk)
    return render(request, "beneficiaries/distributions/dowry_form.html",
                  {"center": center, "household": household, "form": form, "items": items},
                  status=400 if request.method == "POST" else 200)


@require_GET
@staff_page
def dowry_detail(request, center_slug, dowry_case_id):
    center, case = _case(request, center_slug, dowry_case_id)
    actor = request.actor
    return render(request, "beneficiaries/distributions/dowry_detail.html", {
        "center": center, "case": case, "items": case.items.all(),
        "distributions": case.distributions.select_related("purpose").order_by("-occurred_on", "-pk"),
        "delivered_value": sum(d.value for d in case.distributions.all() if d.status == "recorded"),
        "can_approve": case.status == "requested" and access.may(actor, Action.MANAGE_FINANCE, case),
        "can_deliver": (case.status == "approved" and access.may(actor, Action.DISTRIBUTE_AID, case)
                        and access.may_distribute_purpose(actor, center.pk, services.DOWRY)),
        "can_cancel": case.status in ("requested", "approved"),
        "approve_form": ApproveForm(), "cancel_form": ReasonForm(),
    })


ACTIONS = {
    "approve": (services.dowry_case_approve, ApproveForm, _("Approve the dowry case"), _("Approve"),
                _("The dowry case was approved.")),
    "deliver": (services.dowry_case_deliver, None, _("Mark the dowry case delivered"), _("Mark delivered"),
                _("The dowry case was marked delivered.")),
    "cancel": (services.dowry_case_cancel, ReasonForm, _("Cancel the dowry case"), _("Cancel the case"),
               _("The dowry case was cancelled.")),
}


def _case_action(request, center_slug, dowry_case_id, action):
    """GET shows what the action does and asks for its input; POST does it through the service (which asks
    the access module: 403 for a role that may not)."""
    center, case = _case(request, center_slug, dowry_case_id)
    call, form_class, title, button, success = ACTIONS[action]
    access.require(request.actor, {"approve": Action.MANAGE_FINANCE, "deliver": Action.DISTRIBUTE_AID}.get(
        action, Action.VIEW_BENEFICIARIES), case)
    data = request.POST if request.method == "POST" else None
    form = form_class(data) if form_class else forms.Form(data)
    if request.method == "POST" and form.is_valid():
        kwargs = {}
        if action == "cancel":
            kwargs["reason"] = form.cleaned_data["reason"]
        elif action == "approve":
            kwargs["approval_reference"] = form.cleaned_data["approval_reference"]
        if apply_service(form, lambda: call(actor=request.actor, case=case, **kwargs)) is not None:
            messages.success(request, success)
            return redirect("beneficiaries:dowry-detail", center_slug=center.slug, dowry_case_id=case.pk)
    return render(request, "beneficiaries/distributions/dowry_action.html",
                  {"center": center, "case": case, "form": form, "title": title, "button": button},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@staff_page
def dowry_approve(request, center_slug, dowry_case_id):
    return _case_action(request, center_slug, dowry_case_id, "approve")


@require_http_methods(["GET", "POST"])
@staff_page
def dowry_deliver(request, center_slug, dowry_case_id):
    return _case_action(request, center_slug, dowry_case_id, "deliver")


@require_http_methods(["GET", "POST"])
@staff_page
def dowry_cancel(request, center_slug, dowry_case_id):
    return _case_action(request, center_slug, dowry_case_id, "cancel")


urlpatterns = [
    path("centers/<slug:center_slug>/distributions/", distribution_list, name="distribution-list"),
    path("centers/<slug:center_slug>/distributions/<int:distribution_id>/", distribution_detail,
         name="distribution-detail"),
    path("centers/<slug:center_slug>/distributions/<int:distribution_id>/acknowledgement.pdf",
         distribution_acknowledgement, name="distribution-acknowledgement"),
    path("centers/<slug:center_slug>/distributions/<int:distribution_id>/reverse/", distribution_reverse,
         name="distribution-reverse"),
    path("centers/<slug:center_slug>/households/<int:household_id>/distributions/new/", distribution_new,
         name="distribution-new"),
    path("centers/<slug:center_slug>/households/<int:household_id>/dowry/new/", dowry_new, name="dowry-new"),
    path("centers/<slug:center_slug>/dowry/", dowry_list, name="dowry-list"),
    path("centers/<slug:center_slug>/dowry/<int:dowry_case_id>/", dowry_detail, name="dowry-detail"),
    path("centers/<slug:center_slug>/dowry/<int:dowry_case_id>/approve/", dowry_approve, name="dowry-approve"),
    path("centers/<slug:center_slug>/dowry/<int:dowry_case_id>/deliver/", dowry_deliver, name="dowry-deliver"),
    path("centers/<slug:center_slug>/dowry/<int:dowry_case_id>/cancel/", dowry_cancel, name="dowry-cancel"),
]
