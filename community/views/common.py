from django.shortcuts import render

from centers import access
from centers.access import Action


def center_for(request, center_slug, *, manage: bool = False):
    """The actor's center (404 otherwise); with ``manage``, 403 unless they may record neighbourhood work."""
    center = access.center_by_slug(request.actor, center_slug)
    if manage:
        access.require(request.actor, Action.MANAGE_COMMUNITY, center)
    return center


def can_manage(request, center) -> bool:
    return access.may(request.actor, Action.MANAGE_COMMUNITY, center)


def form_page(request, template, context):
    """A form page: 400 when a POST was refused (so tests and tools see the refusal), 200 otherwise."""
    return render(request, template, context, status=400 if request.method == "POST" else 200)
