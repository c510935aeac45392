"""Reads about centers. Public figures are national aggregates, so they read outside any tenant scope."""

from django.db.models import Count, Q
from django_scopes import scopes_disabled

from .models import Center, Organization, Province, TrusteeAppointment


def public_figures() -> dict:
    """Aggregates anyone may see on the home page: never a name, never a beneficiary."""
    with scopes_disabled():  # reviewed: counts only, across all centers
        licensed = Center.objects.filter(status=Center.Status.LICENSED)
        totals = licensed.aggregate(
            centers=Count("pk"),
            provinces=Count("county__province", distinct=True),
            counties=Count("county", distinct=True),
        )
    totals["all_provinces"] = Province.objects.count()
    return totals


def centers_for_dashboard(actor):
    """The actor's centers (the open scope narrows them), with how many board seats are filled."""
    active = Q(appointments__status=TrusteeAppointment.Status.ACTIVE)
    return (
        Center.objects.filter(pk__in=actor.center_ids)
        .select_related("county__province", "organization")
        .annotate(board_size=Count("appointments", filter=active))
        .order_by("county__province__name", "county__name", "name")
    )


def board(center):
    return (
        TrusteeAppointment.objects.filter(center=center, status=TrusteeAppointment.Status.ACTIVE)
        .select_related("user")
        .order_by("role")
    )


def organizations():
    return Organization.objects.all()
