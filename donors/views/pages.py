"""Trustee pages for donors: the center's list with search, a donor's page, registering and editing, the
duplicates page with merging, and the JSON lookup the gift form uses.

Every page takes the center's slug; a donor is looked up among the donors linked to that center, so a donor
of another center (or one that does not exist) is a 404. Listing, viewing and registering donors needs
RECORD_CONTRIBUTION (whoever receives gifts registers the givers); merging needs MANAGE_DONORS.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from centers import access
from centers.access import Action
from centers.views.tenancy import staff_page
from contributions.models import Contribution
from core.forms import LegalEntityIdField, MobileField, NationalCodeField, PostalCodeField, apply_service
from donors import services
from donors.models import Donor

# --- Forms -----------------------------------------------------------------------------------------------


class DonorForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Donor.Kind.choices, initial=Donor.Kind.PERSON,
                             widget=forms.RadioSelect)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=64, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=64, required=False)
    legal_name = forms.CharField(label=gettext_lazy("Legal entity name"), max_length=200, required=False,
                                 help_text=gettext_lazy("Legal entities only."))
    national_code = NationalCodeField(label=gettext_lazy("National code"), required=False,
                                      help_text=gettext_lazy("Natural persons: ten digits; Persian digits are fine."))
    legal_entity_id = LegalEntityIdField(label=gettext_lazy("Legal entity national ID"), required=False,
                                         help_text=gettext_lazy("Legal entities: eleven digits."))
    mobile = MobileField(label=gettext_lazy("Mobile"), required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=300, required=False)
    postal_code = PostalCodeField(label=gettext_lazy("Postal code"), required=False)
    consent = forms.BooleanField(label=gettext_lazy("The donor agrees to be contacted"), required=False)
    contact_by_sms = forms.BooleanField(label=gettext_lazy("Contact by SMS"), required=False)
    contact_by_email = forms.BooleanField(label=gettext_lazy("Contact by email"), required=False)
    contact_by_post = forms.BooleanField(label=gettext_lazy("Contact by post"), required=False)
    name_on_receipt = forms.BooleanField(
        label=gettext_lazy("The donor's name may be shown on the public receipt check"), required=False)

    FIELDS = ("kind", "first_name", "last_name", "legal_name", "national_code", "legal_entity_id", "mobile", "email",
              "address", "postal_code", "contact_by_sms", "contact_by_email", "contact_by_post", "name_on_receipt")

    @classmethod
    def initial_for(cls, donor: Donor) -> dict:
        return {**{name: getattr(donor, name) for name in cls.FIELDS}, "consent": donor.consent_at is not None}


class MergeForm(forms.Form):
    survivor = forms.IntegerField(widget=forms.HiddenInput)
    merged = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255, required=False)


def _center(request, center_slug, action=Action.RECORD_CONTRIBUTION):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, action, center)
    return center


def _donor(center, donor_id) -> Donor:
    donor = services.donor_for_center(center, donor_id)
    if donor is None:
        raise Http404
    return donor


# --- Pages -----------------------------------------------------------------------------------------------

@require_GET
@staff_page
def donor_list(request, center_slug):
    center = _center(request, center_slug)
    query = request.GET.get("q", "").strip()[:100]
    donors = services.donor_find(center, query) if query else services.donors_of(center)
    confirmed = Q(contributions__center=center, contributions__status=Contribution.Status.CONFIRMED)
    donors = donors.annotate(gift_count=Count("contributions", filter=confirmed),
                             gift_total=Sum("contributions__amount", filter=confirmed)
                             ).order_by("last_name", "first_name", "legal_name", "pk")
    page = Paginator(donors, 50).get_page(request.GET.get("page"))
    return render(request, "donors/donor_list.html", {
        "center": center, "page": page, "query": query,
        "can_manage": access.may(request.actor, Action.MANAGE_DONORS, center),
        "can_finance": access.may(request.actor, Action.MANAGE_FINANCE, center),
    })


@require_GET
@staff_page
def donor_detail(request, center_slug, donor_id):
    center = _center(request, center_slug)
    donor = _donor(center, donor_id)
    gifts = Contribution.objects.filter(center=center, donor=donor).select_related("purpose")
    confirmed = gifts.filter(status=Contribution.Status.CONFIRMED)
    totals = confirmed.aggregate(count=Count("pk"), total=Sum("amount"))
    by_purpose = (confirmed.values("purpose__name").annotate(total=Sum("amount"), count=Count("pk"))
                  .order_by("-total"))
    return render(request, "donors/donor_detail.html", {
        "center": center, "donor": donor, "gifts": gifts[:100], "totals": totals, "by_purpose": by_purpose,
        "masked": services.mask_national_code(donor.national_code or donor.legal_entity_id),
        "merged_donors": donor.merged_donors.all() if hasattr(donor, "merged_donors") else [],
    })


@require_http_methods(["GET", "POST"])
@staff_page
def donor_new(request, center_slug):
    center = _center(request, center_slug)
    form = DonorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        donor = apply_service(form, lambda: services.donor_create(center=center, user=request.user, **data))
        if donor is not None:
            if donor.linked_existing:
                messages.info(request, _("%(name)s was already a donor of the organisation with this national "
                                         "code; they are now linked to this center (their details were not "
                                         "changed).") % {"name": donor.display_name})
            else:
                messages.success(request, _("The donor was registered."))
            return redirect("donors:donor-detail", center_slug=center.slug, donor_id=donor.pk)
    return render(request, "donors/donor_form.html", {"center": center, "form": form, "donor": None})


@require_http_methods(["GET", "POST"])
@staff_page
def donor_edit(request, center_slug, donor_id):
    center = _center(request, center_slug)
    donor = _donor(center, donor_id)
    if donor.merged_into_id:
        raise Http404
    form = DonorForm(request.POST or None, initial=DonorForm.initial_for(donor))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        consent = data.pop("consent")
        updated = apply_service(form, lambda: services.donor_update(center=center, donor=donor, user=request.user,
                                                             consent=consent, **data))
        if updated is not None:
            messages.success(request, _("The donor's details were saved."))
            return redirect("donors:donor-detail", center_slug=center.slug, donor_id=donor.pk)
    return render(request, "donors/donor_form.html", {"center": center, "form": form, "donor": donor})


@require_http_methods(["GET", "POST"])
@staff_page
def donor_duplicates(request, center_slug):
    center = _center(request, center_slug, Action.MANAGE_DONORS)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survivor = _donor(center, form.cleaned_data["survivor"])
        merged = _donor(center, form.cleaned_data["merged"])
        merge = apply_service(form, lambda: services.donor_merge(survivor=survivor, merged=merged, user=request.user,
                                                          reason=form.cleaned_data["reason"], center=center))
        if merge is not None:
            messages.success(request, _("%(merged)s was merged into %(kept)s; %(n)d record(s) moved.") % {
                "merged": merged.display_name, "kept": survivor.display_name, "n": sum(merge.moved.values())})
            return redirect("donors:donor-duplicates", center_slug=center.slug)
    return render(request, "donors/duplicates.html", {
        "center": center, "groups": services.duplicate_candidates(center), "form": form,
    })


@require_GET
@staff_page
def donor_lookup(request, center_slug):
    """JSON for the gift form: at most ten donors of the center matching ``q`` (mobile, national code,
    legal-entity ID or name), with the national code masked."""
    center = _center(request, center_slug)
    query = request.GET.get("q", "").strip()[:100]
    found = services.donor_find(center, query, limit=10) if query else []
    return JsonResponse({"results": [
        {"id": d.pk, "name": d.display_name, "kind": d.kind,
         "national_code": services.mask_national_code(d.national_code or d.legal_entity_id), "mobile": d.mobile}
        for d in found]})


urlpatterns = [
    path("centers/<slug:center_slug>/donors/", donor_list, name="donor-list"),
    path("centers/<slug:center_slug>/donors/new/", donor_new, name="donor-new"),
    path("centers/<slug:center_slug>/donors/lookup/", donor_lookup, name="donor-lookup"),
    path("centers/<slug:center_slug>/donors/duplicates/", donor_duplicates, name="donor-duplicates"),
    path("centers/<slug:center_slug>/donors/<int:donor_id>/", donor_detail, name="donor-detail"),
    path("centers/<slug:center_slug>/donors/<int:donor_id>/edit/", donor_edit, name="donor-edit"),
]
