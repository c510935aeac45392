"""Trustee pages of the lifecycle area: the center's profile, its license and the license application."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from centers import access
from centers.access import Action
from centers.models import BoardRole, Center, CenterTransition, License
from centers.services import lifecycle as services
from core.forms import IbanField, MobileField, PostalCodeField

from .tenancy import staff_page


class ProfileForm(forms.Form):
    host_place = forms.ChoiceField(label=_("Host place"), choices=Center.HostPlace.choices)
    host_place_name = forms.CharField(label=_("Name of the host place"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    postal_code = PostalCodeField(label=_("Postal code"), required=False)
    phone = forms.CharField(label=_("Landline phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"}))
    mobile = MobileField(label=_("Mobile"), required=False)
    iban = IbanField(label=_("Bank account (sheba)"), required=False,
                     help_text=_("The center's one permitted account, at the designated bank."))
    activity_area = forms.CharField(
        label=_("Activity area (GeoJSON Polygon)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
        help_text=_('For example {"type": "Polygon", "coordinates": [[[51.66, 32.65], [51.68, 32.65], '
                    '[51.68, 32.67], [51.66, 32.65]]]} (longitude first).'))
    activity_area_description = forms.CharField(label=_("Description of the activity area"), required=False,
                                                widget=forms.Textarea(attrs={"rows": 3}))

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return services.normalize_phone(value) if value else ""

    def clean_iban(self):
        value = self.cleaned_data["iban"]
        return services.validate_center_iban(value) if value else ""

    def clean_activity_area(self):
        text = self.cleaned_data["activity_area"].strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            raise ValidationError(_("The activity area is not valid JSON."), code="invalid_json") from None
        return services.validate_polygon(value)


def _license_context(request, center):
    latest = services.latest_license(center)
    return {
        "center": center,
        "license": latest,
        "near_expiry": center.status == Center.Status.LICENSED and services.license_is_near_expiry(latest),
        "operating_problem": services.center_operating_problem(center),
        "can_apply": (center.status == Center.Status.APPLICATION
                      and access.may(request.actor, Action.APPLY_LICENSE, center)),
    }


@require_GET
@staff_page
def center_profile(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    return render(request, "centers/lifecycle/profile.html", {
        **_license_context(request, center),
        "can_edit": access.may(request.actor, Action.EDIT_PROFILE, center),
        "served_areas": list(center.served_areas.all()),
        "activity_area_json": json.dumps(center.activity_area) if center.activity_area else "",
    })


@require_http_methods(["GET", "POST"])
@staff_page
def center_profile_edit(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.EDIT_PROFILE, center)
    initial = {name: getattr(center, name) for name in services.PROFILE_FIELDS}
    initial["activity_area"] = json.dumps(center.activity_area) if center.activity_area else ""
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            warnings = services.center_profile_update(center=center, actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The profile was saved."))
            if warnings:
                messages.warning(request, _("The activity area overlaps the area of: %(names)s. The supervising "
                                            "organisation will settle the border.") % {"names": "، ".join(warnings)})
            return redirect("centers:center-profile", center_slug=center.slug)
    return render(request, "centers/lifecycle/profile_edit.html", {"center": center, "form": form})


@require_GET
@staff_page
def center_license(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    return render(request, "centers/lifecycle/license.html", {
        **_license_context(request, center),
        "licenses": list(License.objects.filter(center=center)),
        "transitions": list(CenterTransition.objects.filter(center=center).select_related("actor")),
    })


@require_http_methods(["GET", "POST"])
@staff_page
def center_license_apply(request, center_slug):
    """GET: what submitting means and whether it is possible now; POST: submit (the chair)."""
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.APPLY_LICENSE, center)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.center_transition(center=center, name="submit", actor=request.actor)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The license application was sent to the supervising organisation."))
            return redirect("centers:center-license", center_slug=center.slug)
    return render(request, "centers/lifecycle/apply.html", {
        "center": center, "errors": errors,
        "missing_roles": [BoardRole(r).label for r in access.missing_core_roles(center)],
        "possible": center.status == Center.Status.APPLICATION,
    })


urlpatterns: list = [
    path("centers/<slug:center_slug>/profile/", center_profile, name="center-profile"),
    path("centers/<slug:center_slug>/profile/edit/", center_profile_edit, name="center-profile-edit"),
    path("centers/<slug:center_slug>/license/", center_license, name="center-license"),
    path("centers/<slug:center_slug>/license/apply/", center_license_apply, name="center-license-apply"),
]
