from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from memoranda import selectors


def overview(request):
    """Commitments overdue and due soon across the memoranda the supervisor sees, the joint calendar's
    next entries and the memoranda ending soon. 404 for anyone who supervises nothing."""
    actor = request.actor
    if not (actor.is_supervisor or selectors.is_national_admin(actor)):
        raise Http404
    context = {**admin.site.each_context(request), "title": _("Memoranda: commitments due and overdue"),
               **selectors.overview(actor)}
    return TemplateResponse(request, "memoranda/overview.html", context)


urlpatterns = [
    # admin_view: the admin's own gate (staff, second factor passed), then the region check above.
    path("overview/", admin.site.admin_view(overview), name="overview"),
]
