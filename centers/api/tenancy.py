"""API for centers, their boards and the reference geography. Scoped like the token's owner."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from centers import access
from centers.models import BoardRole, Center, County, Organization, Province, TrusteeAppointment


class TenantViewSetMixin:
    """Every tenant endpoint: the open scope narrows the queryset, and the access module is asked for
    the object, so an object of another center is a 404 like one that does not exist."""

    center_lookup = "center"

    def get_queryset(self):
        # Built per request: a scoped manager cannot be queried at import time, when no scope is open.
        if getattr(self, "swagger_fake_view", False):  # schema generation: only the model matters
            return self.model._base_manager.none()
        queryset = self.tenant_queryset()
        return queryset.filter(**{self.center_lookup + "__in": sorted(self.request.actor.center_ids)})

    def get_object(self):
        obj = super().get_object()
        access.require(self.request.actor, access.Action.VIEW, obj)
        return obj


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["id", "code", "name"]


class CountySerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ["id", "code", "name", "province"]


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "code", "name"]


class CenterSerializer(serializers.ModelSerializer):
    center = serializers.IntegerField(source="pk", read_only=True, help_text=_("The center itself (the tenant)."))
    province = serializers.IntegerField(source="county.province_id", read_only=True)

    class Meta:
        model = Center
        fields = ["id", "center", "name", "slug", "kind", "organization", "county", "province", "host_place",
                  "host_place_name", "status", "created_at"]


class TrusteeAppointmentSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = TrusteeAppointment
        fields = ["id", "center", "user", "user_name", "role", "starts_on", "ends_on", "status"]


class CenterFilter(django_filters.FilterSet):
    """``?center=<id>`` for every tenant endpoint: a plain number, not a choice among centers (the choices
    would be a query outside any scope at import time, and "not one of yours" must look like "no such
    center" anyway). Area filtersets extend it and declare every filter explicitly, for the same reason."""

    center = django_filters.NumberFilter(field_name="center_id")


class AppointmentFilter(CenterFilter):
    role = django_filters.ChoiceFilter(choices=BoardRole.choices)
    status = django_filters.ChoiceFilter(choices=TrusteeAppointment.Status.choices)

    class Meta:
        model = TrusteeAppointment
        fields: list[str] = []


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """Iran's provinces (public reference data)."""

    queryset = Province.objects.all()
    serializer_class = ProvinceSerializer
    permission_classes = [AllowAny]
    filterset_fields = ["code"]


class CountyViewSet(viewsets.ReadOnlyModelViewSet):
    """Iran's counties (public reference data)."""

    queryset = County.objects.all()
    serializer_class = CountySerializer
    permission_classes = [AllowAny]
    filterset_fields = ["province", "code"]


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """The two supervising organisations (public reference data)."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    permission_classes = [AllowAny]


class CenterViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The centers the caller may see."""

    serializer_class = CenterSerializer
    model = Center
    center_lookup = "pk"
    filterset_fields = ["kind", "status", "organization", "county", "county__province"]
    ordering_fields = ["name", "created_at"]

    def tenant_queryset(self):
        return Center.objects.select_related("county").order_by("name")


class TrusteeAppointmentViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Board appointments at the caller's centers."""

    model = TrusteeAppointment
    serializer_class = TrusteeAppointmentSerializer
    filterset_class = AppointmentFilter

    def tenant_queryset(self):
        return TrusteeAppointment.objects.select_related("user").order_by("center_id", "role")


def register(router):
    router.register("provinces", ProvinceViewSet)
    router.register("counties", CountyViewSet)
    router.register("organizations", OrganizationViewSet)
    router.register("centers", CenterViewSet, basename="center")
    router.register("appointments", TrusteeAppointmentViewSet, basename="appointment")
