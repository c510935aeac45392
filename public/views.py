"""The public pages (issue 6): no login, Persian first, readable on a phone, aggregates only.

The directory of licensed centers, a page per center (its story, host place, area, campaigns and this Jalali
year's figures), campaign pages with goal, progress and time left, and the calendar of national occasions.
Plus the trustee page where a center's board writes its public story.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from centers import access
from centers.access import Action
from centers.models import County
from centers.views.tenancy import staff_page
from core import jalali
from core.digits import to_latin_digits
from core.forms import apply_service
from public import occasions, selectors, services


def donate_url(center, campaign=None) -> str:
    """The center's donation page (the payments area), or "" where donations are not served."""
    try:
        url = reverse("payments:donate", kwargs={"center_slug": center.slug})
    except NoReverseMatch:
        return ""
    return f"{url}?campaign={campaign.pk}" if campaign is not None else url


class DirectoryFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or host place"), required=False, max_length=80)
    province = forms.TypedChoiceField(label=gettext_lazy("Province"), required=False, coerce=int,
                                      empty_value=None)
    county = forms.TypedChoiceField(label=gettext_lazy("County"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = selectors.provinces_with_centers()
        self.fields["province"].choices = [("", _("All provinces"))] + [(p.pk, p.name) for p in provinces]
        province = str(self.data.get("province") or "")
        counties = County.objects.filter(province_id=province).order_by("name") if province.isdigit() else []
        self.fields["county"].choices = [("", _("All counties"))] + [(c.pk, c.name) for c in counties]


@require_GET
def center_directory(request):
    params = {key: to_latin_digits(value) for key, value in request.GET.items() if key != "page"}
    form = DirectoryFilter(params or None)
    data = form.cleaned_data if form.is_valid() else {}
    centers = selectors.directory(query=data.get("q") or "", province=data.get("province"),
                                  county=data.get("county"))
    page = Paginator(centers, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/directory.html", {"form": form, "page": page, "count": len(centers)})


@require_GET
def center_page(request, slug):
    center = selectors.listed_center(slug)
    return render(request, "public/center.html", {
        "center": center,
        "story": selectors.public_story(center),
        "figures": selectors.transparency(center),
        "campaigns": selectors.center_campaigns(center),
        "donate_url": donate_url(center),
    })


@require_GET
def campaign_page(request, campaign_id):
    progress, centers = selectors.campaign_page(campaign_id)
    return render(request, "public/campaign.html", {
        "progress": progress, "campaign": progress.campaign,
        "centers": [(c, donate_url(c, progress.campaign)) for c in centers],
    })


@require_GET
def occasion_calendar(request):
    today = timezone.localdate()
    this_year = jalali.to_jalali(today).year
    try:
        year = int(to_latin_digits(request.GET.get("year", "")) or this_year)
    except ValueError:
        year = this_year
    year = min(max(year, this_year - 1), this_year + 1)
    return render(request, "public/occasions.html", {
        "year": year, "this_year": this_year, "occasions": occasions.occasions_of_year(year),
        "campaigns": selectors.running_campaigns(today=today), "today": today,
    })


class StoryForm(forms.Form):
    story = forms.CharField(label=gettext_lazy("Our story"), required=False, max_length=services.STORY_MAX,
                            widget=forms.Textarea(attrs={"rows": 10}),
                            help_text=gettext_lazy("Shown on your public page. Never name the families you "
                                                   "help: donors see figures, not people."))


@require_http_methods(["GET", "POST"])
@staff_page
def public_story_edit(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    access.require(request.actor, Action.EDIT_PROFILE, center)
    form = StoryForm(request.POST or None, initial={"story": selectors.public_story(center)})
    if request.method == "POST" and form.is_valid():
        if apply_service(form, lambda: services.public_story_update(actor=request.actor, center=center,
                                                                     story=form.cleaned_data["story"])):
            messages.success(request, _("Your public page was updated."))
            return redirect("public:story-edit", center_slug=center.slug)
    public_url = reverse("public:center-page", kwargs={"slug": center.slug})
    return render(request, "public/story_edit.html", {"center": center, "form": form, "public_url": public_url})


app_name = "public"
urlpatterns = [
    path("directory/", center_directory, name="center-directory"),
    path("directory/<slug:slug>/", center_page, name="center-page"),
    path("campaigns/<int:campaign_id>/", campaign_page, name="campaign-page"),
    path("occasions/", occasion_calendar, name="occasions"),
    path("centers/<slug:center_slug>/public-page/", public_story_edit, name="story-edit"),
]
