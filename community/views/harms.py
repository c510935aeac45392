"""The map of social harms: the map page (SVG over the activity area, with the numbered list beside it), the
same map as an SVG file (for printing and the reports), marking a new site, and taking one off the map."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centers.views.tenancy import staff_page
from community import geo, selectors, services
from community.maps import COLOURS, harm_map_svg
from community.models import HarmSite, ProblemCategory
from core.forms import JalaliDateField, LocalDecimalField, apply_service

from .common import can_manage, center_for, form_page


class HarmForm(forms.Form):
    SHAPES = [("point", _("A point (longitude and latitude)")), ("geojson", _("A GeoJSON Point or Polygon"))]

    title = forms.CharField(label=_("Place"), max_length=200,
                            help_text=_("A street, block or place; never a person or a household."))
    category = forms.ChoiceField(label=_("Kind of harm"), choices=[("", "—")] + ProblemCategory.choices)
    severity = forms.TypedChoiceField(label=_("Severity of harm"), coerce=int,
                                      choices=[(n, str(n)) for n in range(1, 6)],
                                      help_text=_("1 = occasional, 5 = grave and widespread"))
    shape = forms.ChoiceField(label=_("How the place is given"), choices=SHAPES, initial="point",
                              widget=forms.RadioSelect)
    longitude = LocalDecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6,
                                  help_text=_("East, e.g. 51.6712"))
    latitude = LocalDecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6,
                                 help_text=_("North, e.g. 32.6539"))
    geojson = forms.CharField(label=_("GeoJSON"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
                              help_text=_('For an area, e.g. {"type": "Polygon", "coordinates": [[[51.66, 32.65], '
                                          '[51.67, 32.65], [51.67, 32.66], [51.66, 32.65]]]} (longitude first).'))
    observed_on = JalaliDateField(label=_("Observed on"))
    source = forms.CharField(label=_("Source"), max_length=200, required=False,
                             help_text=_("Who or what reported it: informants, a walk, the police station…"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        try:
            if data.get("shape") == "geojson":
                if not (data.get("geojson") or "").strip():
                    self.add_error("geojson", _("Paste the place as GeoJSON."))
                    return data
                data["geometry"] = geo.validate_harm_geometry(data["geojson"])
            elif data.get("shape") == "point":
                if data.get("longitude") is None or data.get("latitude") is None:
                    self.add_error("longitude", _("Give both the longitude and the latitude."))
                    return data
                data["geometry"] = geo.validate_harm_geometry(
                    {"type": "Point", "coordinates": [float(data["longitude"]), float(data["latitude"])]})
        except ValidationError as exc:
            self.add_error("geojson" if data.get("shape") == "geojson" else "longitude", exc)
        return data


class FilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Kind of harm"), required=False,
                                 choices=[("", _("All"))] + ProblemCategory.choices)
    closed = forms.BooleanField(label=_("Include sites no longer present"), required=False)


def _map(request, center):
    form = FilterForm(request.GET or None)
    category, closed = "", False
    if form.is_bound and form.is_valid():
        category, closed = form.cleaned_data["category"], form.cleaned_data["closed"]
    sites = selectors.harm_sites(center=center, category=category, include_closed=closed)
    svg = harm_map_svg(area=center.activity_area, marks=selectors.harm_marks(sites),
                       title=_("Map of social harms — %(center)s") % {"center": center.name})
    return form, sites, svg


@require_GET
@staff_page
def harm_map(request, center_slug):
    center = center_for(request, center_slug)
    form, sites, svg = _map(request, center)
    rows = [{"number": n, "site": s, "colour": COLOURS.get(s.category),
             "outside": not geo.inside_area(s.geometry, center.activity_area)}
            for n, s in enumerate(sites, start=1)]
    return render(request, "community/harm_map.html", {
        "center": center, "form": form, "svg": svg, "rows": rows, "can_manage": can_manage(request, center),
        "query": request.GET.urlencode()})


@require_GET
@staff_page
def harm_map_file(request, center_slug):
    center = center_for(request, center_slug)
    _form, _sites, svg = _map(request, center)
    response = HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + svg,
                            content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="harm-map-{center.slug}.svg"'
    return response


@require_http_methods(["GET", "POST"])
@staff_page
def harm_new(request, center_slug):
    center = center_for(request, center_slug, manage=True)
    form = HarmForm(request.POST or None, initial={"observed_on": timezone.localdate(), "shape": "point"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site = apply_service(form, lambda: services.harm_site_record(
            actor=request.actor, center=center, title=data["title"], category=data["category"],
            severity=data["severity"], geometry=data["geometry"], observed_on=data["observed_on"],
            source=data["source"], notes=data["notes"]))
        if site is not None:
            messages.success(request, _("The place was marked on the map."))
            if not geo.inside_area(site.geometry, center.activity_area):
                messages.warning(request, _("The place lies outside the center's activity area."))
            return redirect("community:harm-map", center_slug=center.slug)
    return form_page(request, "community/form.html", {
        "center": center, "form": form, "title": _("Mark a place of social harm"), "back": "community:harm-map"})


@staff_page  # first: an anonymous visitor is sent to sign in, whatever the method
@require_POST
def harm_close(request, center_slug, harm_id):
    center = center_for(request, center_slug)
    site = get_object_or_404(HarmSite, center=center, pk=harm_id)
    center_for(request, center_slug, manage=True)
    try:
        services.harm_site_close(actor=request.actor, site=site)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The place was taken off the map; its record stays."))
    return redirect("community:harm-map", center_slug=center.slug)


urlpatterns = [
    path("centers/<slug:center_slug>/community/harms/", harm_map, name="harm-map"),
    path("centers/<slug:center_slug>/community/harms/map.svg", harm_map_file, name="harm-map-file"),
    path("centers/<slug:center_slug>/community/harms/new/", harm_new, name="harm-new"),
    path("centers/<slug:center_slug>/community/harms/<int:harm_id>/close/", harm_close, name="harm-close"),
]
