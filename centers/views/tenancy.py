from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from centers import access, selectors
from centers.models import BoardRole


def staff_page(view):
    """Signed-in staff only; a supervisor who has not passed the second factor is sent to it first."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.actor.needs_second_factor:
            return redirect(f"{reverse('accounts:otp-verify')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@staff_page
def dashboard(request):
    actor = request.actor
    return render(request, "centers/dashboard.html", {
        "centers": selectors.centers_for_dashboard(actor),
        "assignments": actor.assignments,
    })


@require_GET
@staff_page
def center_detail(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    return render(request, "centers/center_detail.html", {
        "center": center,
        "missing_roles": access.missing_core_roles(center),
        "my_roles": [BoardRole(r).label for r in sorted(request.actor.roles_at(center.pk))],
        "can_supervise": access.may(request.actor, access.Action.SUPERVISE, center),
    })


@require_GET
@staff_page
def center_board(request, center_slug):
    center = access.center_by_slug(request.actor, center_slug)
    return render(request, "centers/center_board.html", {
        "center": center,
        "board": selectors.board(center),
        "missing_roles": access.missing_core_roles(center),
    })
