"""The public donation pages: the donate form, the bank's callback, and the page that tells the donor what
happened. No login. The center is found by its slug among licensed centers only through the few reviewed
reads below; everything after runs inside that center's scope."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scope, scopes_disabled

from centers.models import Center
from contributions.models import Campaign, Receipt
from core.digits import to_latin_digits
from core.forms import apply_service

from .. import services
from ..forms import DonateForm
from ..models import Payment


def _public_center(slug: str) -> Center:
    # reviewed: the public donation page reads exactly the one center named in its address (its public name
    # and place); a center that does not exist is a 404.
    with scopes_disabled():
        center = Center.objects.filter(slug=slug).select_related("county__province", "organization").first()
    if center is None:
        raise Http404
    return center


def _campaign(center: Center, raw: str):
    value = to_latin_digits(raw or "").strip()
    if not value.isdigit() or len(value) > 12:
        return None
    return Campaign.objects.filter(pk=int(value), centers=center).first()


@require_http_methods(["GET", "POST"])
@never_cache
def donate(request, center_slug):
    center = _public_center(center_slug)
    with scope(center=[center.pk]):
        problem = services.donation_problem(center)
        if problem is not None:
            return render(request, "payments/donate.html", {"center": center, "problem": problem})
        purposes = services.accepted_purposes(center)
        campaign = _campaign(center, request.POST.get("campaign") or request.GET.get("campaign", ""))
        initial = {}
        wanted = request.GET.get("purpose", "")
        chosen = next((p for p in purposes if p.code == wanted), None)
        if chosen is not None:
            initial["purpose"] = chosen.pk
        form = DonateForm(request.POST or None, purposes=purposes, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data

            def start():
                return services.payment_start(
                    center=center, amount=data["gift_amount"], purpose=data["purpose"], campaign=campaign,
                    donor_name=data["donor_name"], donor_mobile=data["donor_mobile"] or "",
                    callback_url_for=lambda public_id: request.build_absolute_uri(
                        reverse("payments:callback", kwargs={"center_slug": center.slug, "public_id": public_id})))

            started = apply_service(form, start)
            if started is not None:
                if started.redirect_url:
                    return redirect(started.redirect_url)
                return redirect("payments:result", center_slug=center.slug, public_id=started.payment.public_id)
        return render(request, "payments/donate.html", {"center": center, "form": form, "campaign": campaign,
                                                        "purposes": purposes})


@csrf_exempt  # the bank sends the donor (or calls) here; the payment's code and authority authenticate it
@require_http_methods(["GET", "POST"])
@never_cache
def callback(request, center_slug, public_id):
    params = {**request.GET.dict(), **request.POST.dict()}
    answer = services.payment_callback(center_slug=center_slug, public_id=public_id, params=params)
    if answer.problem:
        return render(request, "payments/problem.html", {"problem": answer.problem}, status=answer.status_code)
    return redirect("payments:result", center_slug=center_slug, public_id=public_id)


@require_GET
@never_cache
def result(request, center_slug, public_id):
    """What happened to the donor's payment, in plain words; the receipt and its code after success."""
    if len(public_id) > 32:
        raise Http404
    # reviewed: reads exactly the one payment whose unguessable code is in the address (the donor's own
    # link), then only inside its center's scope.
    with scopes_disabled():
        payment = (Payment.objects.select_related("center", "purpose", "campaign")
                   .filter(public_id=public_id, center__slug=center_slug).first())
    if payment is None:
        raise Http404
    receipt = None
    with scope(center=[payment.center_id]):
        if payment.contribution_id is not None:
            receipt = Receipt.objects.filter(contribution_id=payment.contribution_id).first()
    return render(request, "payments/result.html", {"payment": payment, "center": payment.center,
                                                    "receipt": receipt, "S": Payment.Status})
