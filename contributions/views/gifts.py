"""Trustee pages of the gifts area: record a gift in seconds (cash), in-kind, service and construction forms,
the center's contributions (filters, totals), one contribution (lines, postings, history) with its confirm
and reverse buttons, and the campaigns the center takes part in.

Every page takes the center's slug; every object is looked up inside that center, so another center's gift
is a 404 like a missing one. Recording needs RECORD_CONTRIBUTION; confirming and reversing MANAGE_FINANCE
(seed 001: whoever receives a gift records it, the finance officer confirms it). The views validate, call
one service and render; the services refuse bad input with translated messages, shown as form errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from contributions import forms as gift_forms
from contributions.models import Campaign, Contribution, Posting
from contributions.selectors import campaign_totals
from contributions.services import gifts as services
from core.forms import apply_service
from core.templatetags.fa import rial

PAGE_SIZE = 50


def _donor_lookup_url(center) -> str:
    """The donors area's JSON lookup, when it exists: the form works without it (typed identifier)."""
    try:
        return reverse("donors:donor-lookup", kwargs={"center_slug": center.slug})
    except NoReverseMatch:
        return ""


def _recorded_message(request, gift: Contribution) -> None:
    url = reverse("contributions:gift-detail", kwargs={"center_slug": gift.center.slug, "contribution_id": gift.pk})
    if gift.status == Contribution.Status.CONFIRMED:
        text = _("%(amount)s recorded and confirmed.") % {"amount": rial(gift.amount)}
    else:
        text = _("%(amount)s recorded; the finance officer will confirm it.") % {"amount": rial(gift.amount)}
    messages.success(request, format_html('{} <a href="{}">{}</a>', text, url, _("See the gift")))


def _context(request, center, **extra):
    return {"center": center, "donor_lookup_url": _donor_lookup_url(center),
            "can_finance": access.may(request.actor, Action.MANAGE_FINANCE, center),
            "can_record": access.may(request.actor, Action.RECORD_CONTRIBUTION, center), **extra}


# --- Recording ---------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_page
def gift_quick(request, center_slug):
    """Record a cash gift in seconds. With MANAGE_FINANCE it is recorded and confirmed (posted) at once;
    with only RECORD_CONTRIBUTION it waits, recorded, for the finance officer."""
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.RECORD_CONTRIBUTION, center)
    form = gift_forms.QuickCashForm(request.POST or None, center=center)
    if request.method == "POST" and form.is_valid():
        kwargs = {"center": center, "amount": form.cleaned_data["amount"], "user": request.user, **form.common()}
        if access.may(request.actor, Action.MANAGE_FINANCE, center):
            gift = apply_service(form, lambda: services.contribution_record_cash(**kwargs))
        else:
            gift = apply_service(form, lambda: services.contribution_record(kind=Contribution.Kind.CASH, **kwargs))
        if gift is not None:
            _recorded_message(request, gift)
            return redirect("contributions:gift-quick", center_slug=center.slug)
    recent = (Contribution.objects.filter(center=center, recorded_by=request.user)
              .select_related("purpose", "donor").order_by("-recorded_at")[:8])
    return render(request, "contributions/gifts/quick.html", _context(request, center, form=form, recent=recent))


def _record_other(request, center_slug, *, kind, form_class, template, details):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.RECORD_CONTRIBUTION, center)
    form = form_class(request.POST or None, center=center)
    goods = (gift_forms.GoodsLineFormSet(request.POST or None, prefix="lines")
             if kind == Contribution.Kind.IN_KIND else None)
    if request.method == "POST" and form.is_valid() and (goods is None or goods.is_valid()):
        gift = apply_service(form, lambda: services.contribution_record(
            center=center, kind=kind, user=request.user, **form.common(), **details(form, goods)))
        if gift is not None:
            _recorded_message(request, gift)
            return redirect("contributions:gift-detail", center_slug=center.slug, contribution_id=gift.pk)
    return render(request, template, _context(request, center, form=form, goods=goods, kind=kind))


def _goods(form, goods):
    return {"goods": [services.GoodsLine(
        category=d["category"], description=d["description"], unit=d["unit"], quantity=d["quantity"],
        unit_value=d["unit_value"], perishable=d["perishable"], expires_on=d.get("expires_on"))
        for d in goods.cleaned_data if d]}


def _service(form, goods):
    d = form.cleaned_data
    return {"amount": d["value"], "service": services.ServiceGiven(
        service_type=d["service_type"], measure=d["measure"], quantity=d["quantity"],
        description=d.get("description", ""))}


def _construction(form, goods):
    d = form.cleaned_data
    return {"amount": d["value"], "construction": services.ConstructionGiven(
        form=d["form"], facility_type=d["facility_type"], facility_name=d["facility_name"],
        address=d.get("address", ""), area_m2=d.get("area_m2"), completed_on=d.get("completed_on"))}


@require_http_methods(["GET", "POST"])
@staff_page
def gift_new_in_kind(request, center_slug):
    return _record_other(request, center_slug, kind=Contribution.Kind.IN_KIND, form_class=gift_forms.InKindGiftForm,
                         template="contributions/gifts/in_kind_form.html", details=_goods)


@require_http_methods(["GET", "POST"])
@staff_page
def gift_new_service(request, center_slug):
    return _record_other(request, center_slug, kind=Contribution.Kind.SERVICE,
                         form_class=gift_forms.ServiceGiftForm, template="contributions/gifts/other_form.html",
                         details=_service)


@require_http_methods(["GET", "POST"])
@staff_page
def gift_new_construction(request, center_slug):
    return _record_other(request, center_slug, kind=Contribution.Kind.CONSTRUCTION,
                         form_class=gift_forms.ConstructionGiftForm, template="contributions/gifts/other_form.html",
                         details=_construction)


# --- Reading -----------------------------------------------------------------------------------------------

@require_GET
@staff_page
def gift_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    filters = gift_forms.ContributionFilterForm(request.GET or None, center=center)
    gifts = filters.apply(Contribution.objects.filter(center=center))
    totals = gifts.aggregate(
        count=Count("pk"), total=Sum("amount"),
        confirmed=Sum("amount", filter=Q(status=Contribution.Status.CONFIRMED)),
        recorded=Sum("amount", filter=Q(status=Contribution.Status.RECORDED)))
    page = Paginator(gifts.select_related("purpose", "donor", "campaign"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "contributions/gifts/list.html", _context(
        request, center, filters=filters, page=page, totals=totals, query=query.urlencode()))


def _gift(center, contribution_id) -> Contribution:
    return get_object_or_404(Contribution.objects.select_related("purpose", "donor", "campaign", "recorded_by",
                                                                 "confirmed_by", "reversed_by", "ledger_transaction"),
                             center=center, pk=contribution_id)


def _postings(gift: Contribution):
    """The postings of the gift's ledger transaction and of its reversal, if any."""
    if gift.ledger_transaction_id is None:
        return []
    return list(Posting.objects.filter(center=gift.center)
                .filter(Q(transaction_id=gift.ledger_transaction_id)
                        | Q(transaction__reverses_id=gift.ledger_transaction_id))
                .select_related("account__purpose", "transaction").order_by("transaction_id", "pk"))


def _history(gift: Contribution):
    steps = [(gift.recorded_at, _("Recorded"), gift.recorded_by, "")]
    if gift.confirmed_at:
        steps.append((gift.confirmed_at, _("Confirmed"), gift.confirmed_by, ""))
    if gift.reversed_at:
        steps.append((gift.reversed_at, _("Reversed"), gift.reversed_by, gift.reversal_reason))
    return steps


@require_GET
@staff_page
def gift_detail(request, center_slug, contribution_id):
    center = access.center_by_slug(request.actor, center_slug)
    gift = _gift(center, contribution_id)
    return render(request, "contributions/gifts/detail.html", _context(
        request, center, gift=gift, lines=list(gift.lines.all()) if gift.kind == Contribution.Kind.IN_KIND else [],
        service=getattr(gift, "service", None) if gift.kind == Contribution.Kind.SERVICE else None,
        construction=getattr(gift, "construction", None) if gift.kind == Contribution.Kind.CONSTRUCTION else None,
        postings=_postings(gift), history=_history(gift), reverse_form=gift_forms.ReverseForm()))


@require_http_methods(["GET", "POST"])
@staff_page
def gift_confirm(request, center_slug, contribution_id):
    """Confirm a recorded gift (the finance officer): cash posts to the ledger, goods enter the stock."""
    center = access.center_by_slug(request.actor, center_slug)
    gift = _gift(center, contribution_id)
    access.require(request.actor, Action.MANAGE_FINANCE, gift)
    if request.method == "POST":
        try:
            services.contribution_confirm(contribution=gift, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The gift was confirmed."))
        return redirect("contributions:gift-detail", center_slug=center.slug, contribution_id=gift.pk)
    return render(request, "contributions/gifts/confirm.html", _context(request, center, gift=gift))


@require_http_methods(["GET", "POST"])
@staff_page
def gift_reverse(request, center_slug, contribution_id):
    """Reverse a gift with a reason: a confirmed one gets a ledger reversal pointing at its posting."""
    center = access.center_by_slug(request.actor, center_slug)
    gift = _gift(center, contribution_id)
    access.require(request.actor, Action.MANAGE_FINANCE, gift)
    form = gift_forms.ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(form, lambda: services.contribution_reverse(
            contribution=gift, reason=form.cleaned_data["reason"], user=request.user))
        if done is not None:
            messages.success(request, _("The gift was reversed."))
            return redirect("contributions:gift-detail", center_slug=center.slug, contribution_id=gift.pk)
    return render(request, "contributions/gifts/reverse.html", _context(request, center, gift=gift, form=form))


# --- Campaigns ---------------------------------------------------------------------------------------------

def _with_progress(campaigns, center):
    ids = [c.pk for c in campaigns]
    here, overall = campaign_totals(ids, center=center), campaign_totals(ids)
    for c in campaigns:
        c.raised_here, c.raised_overall = here.get(c.pk, 0), overall.get(c.pk, 0)
        c.percent = min(100, c.raised_overall * 100 // c.goal_amount) if c.goal_amount else None
    return campaigns


@require_GET
@staff_page
def campaign_list(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    campaigns = _with_progress(list(Campaign.objects.annotate(
        center_count=Count("centers")).filter(centers=center).order_by("-starts_on")), center)
    return render(request, "contributions/gifts/campaign_list.html", _context(request, center, campaigns=campaigns))


@require_GET
@staff_page
def campaign_detail(request, center_slug, campaign_id):
    center = access.center_by_slug(request.actor, center_slug)
    campaign = get_object_or_404(Campaign.objects.annotate(center_count=Count("centers")), centers=center,
                                 pk=campaign_id)
    _with_progress([campaign], center)
    gifts = (Contribution.objects.filter(center=center, campaign=campaign).select_related("purpose", "donor")
             .order_by("-received_on", "-pk")[:100])
    return render(request, "contributions/gifts/campaign_detail.html",
                  _context(request, center, campaign=campaign, gifts=gifts))


urlpatterns = [
    path("centers/<slug:center_slug>/gifts/", gift_list, name="gift-list"),
    path("centers/<slug:center_slug>/gifts/quick/", gift_quick, name="gift-quick"),
    path("centers/<slug:center_slug>/gifts/new/in-kind/", gift_new_in_kind, name="gift-new-in-kind"),
    path("centers/<slug:center_slug>/gifts/new/service/", gift_new_service, name="gift-new-service"),
    path("centers/<slug:center_slug>/gifts/new/construction/", gift_new_construction, name="gift-new-construction"),
    path("centers/<slug:center_slug>/gifts/<int:contribution_id>/", gift_detail, name="gift-detail"),
    path("centers/<slug:center_slug>/gifts/<int:contribution_id>/confirm/", gift_confirm, name="gift-confirm"),
    path("centers/<slug:center_slug>/gifts/<int:contribution_id>/reverse/", gift_reverse, name="gift-reverse"),
    path("centers/<slug:center_slug>/campaigns/", campaign_list, name="campaign-list"),
    path("centers/<slug:center_slug>/campaigns/<int:campaign_id>/", campaign_detail, name="campaign-detail"),
]
