"""The donors' own pages under ``/my/``: login by SMS code, then their gifts at every center, receipts,
pledges, annual statements, where their restricted gifts went, and their communication preferences.

Every page after login runs inside ``scope(center=<the centers the donor is linked to>)`` and reads only
the donor's own rows: another donor's receipt or pledge is a 404, like one that does not exist. A page that
names an object answers 404 without a donor session too (a link that needs a login starts at the login
page, ``?next=``); the others send the visitor to the login page.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_scopes import scope

from beneficiaries.selectors import donor_sponsorships
from centers.models import Center
from contributions.models import Pledge
from contributions.services.pledges import pledge_schedule
from contributions.services.receipts import donor_statement_pdf, receipt_pdf
from core.digits import to_latin_digits
from core.forms import apply_service
from core.jalali import to_jalali

from . import selectors, services
from .forms import CancelForm, CodeForm, DonorPledgeForm, MobileForm, PauseForm, PreferencesForm


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def donor_page(view):
    """Resolves the donor from the session and opens the scope of their centers around the view."""

    @functools.wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        mobile = services.session_mobile(request)
        identity = services.identity_for(mobile) if mobile else None
        if identity is None:
            if kwargs:
                raise Http404
            return redirect(f"{reverse('donor_portal:login')}?{urlencode({'next': request.path}, safe='/')}")
        request.donor = identity
        with scope(center=identity.center_ids):
            return view(request, *args, **kwargs)

    return wrapper


def _posted(request):
    """The submitted data on POST (even an empty form: every box unticked), None on GET."""
    return request.POST if request.method == "POST" else None


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()) and value.startswith("/my/"):
        return value
    return reverse("donor_portal:dashboard")


# --- login ------------------------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    if services.session_mobile(request):
        return redirect(_safe_next(request, request.GET.get("next")))
    form = MobileForm(_posted(request))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        try:
            services.login_code_request(mobile=form.cleaned_data["mobile"], client_address=_client_address(request))
        except services.RateLimited:
            form.add_error(None, _("Too many codes were asked for. Wait a few minutes and try again."))
            return render(request, "donor_portal/login.html", {"form": form, "next": next_url}, status=429)
        request.session[services.PENDING_KEY] = form.cleaned_data["mobile"]
        url = reverse("donor_portal:login-code")
        return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
    return render(request, "donor_portal/login.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request):
    mobile = request.session.get(services.PENDING_KEY)
    if not mobile:
        return redirect("donor_portal:login")
    form = CodeForm(_posted(request))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            verified = apply_service(form, lambda: services.login_code_verify(
                mobile=mobile, code=form.cleaned_data["code"], client_address=_client_address(request)))
        except services.RateLimited:
            form.add_error(None, _("Too many tries. Wait an hour, or ask for a new code later."))
            verified, status = None, 429
        if verified:
            services.session_login(request, verified)
            return redirect(_safe_next(request, next_url))
    return render(request, "donor_portal/login_code.html",
                  {"form": form, "mobile": mobile, "next": next_url}, status=status)


@require_POST
def logout(request):
    services.session_logout(request)
    messages.success(request, _("You have left your donor pages."))
    return redirect("donor_portal:login")


# --- the donor's pages ------------------------------------------------------------------------------------

@donor_page
def dashboard(request):
    identity = request.donor
    gifts = selectors.gifts(identity)
    # The orphans and families the donor sponsors, anonymised (beneficiaries/selectors_sponsorships.py).
    profiles = [profile for donor in identity.donors for profile in donor_sponsorships(donor)]
    return render(request, "donor_portal/dashboard.html", {
        "identity": identity, "recent_gifts": gifts[:5], "gift_count": gifts.count(), "profiles": profiles,
        "pledges": selectors.pledges(identity).filter(status__in=(Pledge.Status.ACTIVE, Pledge.Status.PAUSED)),
        "centers": Center.objects.filter(pk__in=identity.center_ids).order_by("name"),
    })


@donor_page
def gift_list(request):
    return render(request, "donor_portal/gift_list.html",
                  {"identity": request.donor, "gifts": selectors.gifts(request.donor)})


@donor_page
def receipt_download(request, donor_receipt_id):
    receipt = selectors.receipt_of(request.donor, donor_receipt_id)
    if receipt is None:
        raise Http404
    filename, content_type, content = receipt_pdf(receipt, reprint=receipt.print_count > 0,
                                                  base_url=request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pledge_page(request, pledge, **forms):
    return render(request, "donor_portal/pledge_detail.html", {
        "identity": request.donor, "pledge": pledge, "view": pledge.donor_view(),
        "schedule": pledge_schedule(pledge),
        "pause_form": forms.get("pause_form") or PauseForm(), "cancel_form": forms.get("cancel_form") or CancelForm(),
    }, status=400 if forms else 200)


@donor_page
@require_http_methods(["GET", "POST"])
def pledge_list(request):
    identity = request.donor
    centers = selectors.centers_given_at(identity)
    form = DonorPledgeForm(_posted(request), centers=centers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        center = next(c for c in centers if c.pk == data["center"])
        first = to_jalali(data["first_due_on"])
        pledge = apply_service(form, lambda: services.donor_pledge_create(
            identity=identity, center=center, kind=data["kind"], purpose=data["purpose"], amount=data["amount"],
            start_year=first.year, start_month=first.month, due_day=first.day,
            instalment_count=data["instalment_count"] if data["kind"] == Pledge.Kind.MONTHLY else None))
        if pledge is not None:
            messages.success(request, _("Your pledge is recorded. Thank you."))
            return redirect("donor_portal:pledge-detail", donor_pledge_id=pledge.pk)
    return render(request, "donor_portal/pledge_list.html", {
        "identity": identity, "pledges": selectors.pledges(identity), "form": form, "can_pledge": bool(centers),
    }, status=400 if form.errors else 200)


def _own_pledge(request, donor_pledge_id) -> Pledge:
    pledge = selectors.pledge_of(request.donor, donor_pledge_id)
    if pledge is None:
        raise Http404
    return pledge


@donor_page
def pledge_detail(request, donor_pledge_id):
    return _pledge_page(request, _own_pledge(request, donor_pledge_id))


def _pledge_action(request, donor_pledge_id, form_class, key, call, done):
    pledge = _own_pledge(request, donor_pledge_id)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _pledge_page(request, pledge, **{key: form})
    try:
        call(pledge, form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("donor_portal:pledge-detail", donor_pledge_id=pledge.pk)


@donor_page
@require_POST
def pledge_pause(request, donor_pledge_id):
    return _pledge_action(request, donor_pledge_id, PauseForm, "pause_form",
                          lambda p, d: services.donor_pledge_pause(pledge=p, reason=d["reason"]),
                          _("The pledge is paused."))


@donor_page
@require_POST
def pledge_resume(request, donor_pledge_id):
    return _pledge_action(request, donor_pledge_id, None, "", lambda p, d: services.donor_pledge_resume(pledge=p),
                          _("The pledge is resumed."))


@donor_page
@require_POST
def pledge_cancel(request, donor_pledge_id):
    return _pledge_action(request, donor_pledge_id, CancelForm, "cancel_form",
                          lambda p, d: services.donor_pledge_cancel(pledge=p, reason=d["reason"]),
                          _("The pledge is cancelled."))


@donor_page
def statement(request):
    """The annual statement of a Jalali year (``?year=``) as a PDF; without a year, the list of years. A person
    known to several organisations gets one statement per organisation (``?donor=`` one of their own rows)."""
    identity = request.donor
    years = selectors.gift_years(identity)
    raw = to_latin_digits(request.GET.get("year", "")).strip()
    centers = list(Center.objects.filter(pk__in=identity.center_ids).select_related("organization").order_by("name"))
    statements = [(donor, [c for c in centers if c.organization_id == donor.organization_id])
                  for donor in identity.donors]
    statements = [(donor, own) for donor, own in statements if own]
    if not raw:
        return render(request, "donor_portal/statement.html",
                      {"identity": identity, "years": years, "statements": statements})
    raw_donor = to_latin_digits(request.GET.get("donor", "")).strip()
    if not raw.isdigit() or int(raw) not in years or not statements:
        raise Http404
    chosen = statements[0] if not raw_donor else next(
        ((d, own) for d, own in statements if str(d.pk) == raw_donor), None)
    if chosen is None:
        raise Http404
    filename, content_type, content = donor_statement_pdf(chosen[0], int(raw), chosen[1])
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@donor_page
def impact(request):
    identity = request.donor
    raw = to_latin_digits(request.GET.get("year", "")).strip()
    year, rows = selectors.restricted_impact(identity, int(raw) if raw.isdigit() and 1300 < int(raw) < 1500
                                             else None)
    return render(request, "donor_portal/impact.html", {
        "identity": identity, "year": year, "rows": rows, "years": selectors.gift_years(identity)})


@donor_page
@require_http_methods(["GET", "POST"])
def preferences(request):
    identity = request.donor
    first = identity.donors[0]
    initial = {"consent": first.consent_at is not None, "contact_by_sms": first.contact_by_sms,
               "contact_by_email": first.contact_by_email, "contact_by_post": first.contact_by_post,
               "name_on_receipt": first.name_on_receipt}
    form = PreferencesForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        done = apply_service(form, lambda: services.donor_preferences_update(identity=identity, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("Your choices are saved."))
            return redirect("donor_portal:preferences")
    return render(request, "donor_portal/preferences.html", {"identity": identity, "form": form},
                  status=400 if form.errors else 200)
