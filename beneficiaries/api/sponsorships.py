"""API of the sponsorships area (issue 5.5), read-only: the sponsorships of the centers where the caller may
manage them (``Action.MANAGE_SPONSORSHIPS``), with their progress notes. Linking, notes and ending go through the
trustee pages (the services check every note for identifiers). No household identifier appears here: the
household and the orphan are ids, to be looked up through the households endpoint by those who may."""

from types import SimpleNamespace

import django_filters
from django.db import connection
from django.db.models import Prefetch
from rest_framework import serializers, viewsets

from beneficiaries import rls
from beneficiaries.models import ProgressNote, Sponsorship
from centers import access
from centers.api.tenancy import CenterFilter, TenantViewSetMixin


class ProgressNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressNote
        fields = ["id", "written_on", "text", "author", "is_published", "created_at"]


class SponsorshipSerializer(serializers.ModelSerializer):
    notes = ProgressNoteSerializer(many=True, read_only=True)

    class Meta:
        model = Sponsorship
        fields = ["id", "center", "pledge", "household", "member", "kind", "status", "starts_on", "ends_on",
                  "end_reason", "created_at", "notes"]
        read_only_fields = fields


class SponsorshipFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=Sponsorship.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Sponsorship.Kind.choices)
    pledge = django_filters.NumberFilter(field_name="pledge_id")

    class Meta:
        model = Sponsorship
        fields: list[str] = []


class SponsorshipViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Sponsorships of the caller's centers (orphan-sponsorship officer, chair, vice-chair, supervisors)."""

    model = Sponsorship
    serializer_class = SponsorshipSerializer
    filterset_class = SponsorshipFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model._base_manager.none()
        actor = self.request.actor
        allowed = sorted(c for c in actor.center_ids
                         if access.may(actor, access.Action.MANAGE_SPONSORSHIPS, SimpleNamespace(center_id=c)))
        rls.apply(connection, allowed)
        return self.tenant_queryset().filter(center__in=allowed)

    def tenant_queryset(self):
        return (Sponsorship.objects.prefetch_related(Prefetch("notes", queryset=ProgressNote.objects.order_by(
            "-written_on", "-pk"))).order_by("status", "-starts_on", "-pk"))


def register(router):
    router.register("sponsorships", SponsorshipViewSet, basename="sponsorship")
