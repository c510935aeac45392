"""API of the lifecycle area: licenses and status history (read), and status changes (write, via the services)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from centers import access
from centers.models import Center, CenterTransition, License
from centers.services import lifecycle as services

from .tenancy import CenterFilter, TenantViewSetMixin


class LicenseSerializer(serializers.ModelSerializer):
    class Meta:
        model = License
        fields = ["id", "center", "activity_code", "kind", "valid_from", "valid_until", "issued_at"]


class CenterTransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CenterTransition
        fields = ["id", "center", "name", "from_status", "to_status", "at", "reason", "data"]


class CenterLifecycleSerializer(serializers.ModelSerializer):
    center = serializers.IntegerField(source="pk", read_only=True)
    can_operate = serializers.SerializerMethodField()
    license = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Center
        fields = ["id", "center", "status", "activity_code", "can_operate", "license", "allowed_transitions"]

    def get_can_operate(self, center) -> bool:
        return services.center_can_operate(center)

    def get_license(self, center) -> dict | None:
        license = services.latest_license(center)
        return LicenseSerializer(license).data if license else None

    def get_allowed_transitions(self, center) -> list[str]:
        return [t.name for t in services.transitions_allowed(center=center, actor=self.context["request"].actor)]


class TransitionRequestSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=sorted(services.TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    years = serializers.IntegerField(required=False, min_value=1, max_value=services.LICENSE_MAX_YEARS,
                                     help_text=_("License validity in Jalali years (license and renew)."))
    valid_from = serializers.DateField(required=False)
    assets = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000,
                                   help_text=_("What became of the assets (dissolve)."))


class TransitionFilter(CenterFilter):
    name = django_filters.ChoiceFilter(choices=[(n, t.label) for n, t in services.TRANSITIONS.items()])

    class Meta:
        model = CenterTransition
        fields: list[str] = []


class LicenseViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """License periods of the caller's centers."""

    model = License
    serializer_class = LicenseSerializer
    filterset_class = CenterFilter

    def tenant_queryset(self):
        return License.objects.order_by("center_id", "-valid_until")


class CenterTransitionViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Status changes of the caller's centers, newest first."""

    model = CenterTransition
    serializer_class = CenterTransitionSerializer
    filterset_class = TransitionFilter

    def tenant_queryset(self):
        return CenterTransition.objects.order_by("-at", "-pk")


class CenterLifecycleViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Each center's status, license and the status changes the caller may make; POST ``transition`` makes one."""

    model = Center
    serializer_class = CenterLifecycleSerializer
    center_lookup = "pk"

    def tenant_queryset(self):
        return Center.objects.select_related("organization", "county").order_by("name")

    @extend_schema(request=TransitionRequestSerializer, responses=CenterLifecycleSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        center = self.get_object()
        data = TransitionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        name = data.validated_data["transition"]
        access.require(request.actor, services.TRANSITIONS[name].action, center)
        services.center_transition(center=center, actor=request.actor, name=name,
                                   reason=data.validated_data["reason"], years=data.validated_data.get("years"),
                                   valid_from=data.validated_data.get("valid_from"),
                                   assets=data.validated_data["assets"])
        center.refresh_from_db()
        return Response(self.get_serializer(center).data)


def register(router):
    """Puts this area's viewsets on the API router."""
    router.register("licenses", LicenseViewSet, basename="license")
    router.register("center-transitions", CenterTransitionViewSet, basename="center-transition")
    router.register("center-lifecycle", CenterLifecycleViewSet, basename="center-lifecycle")
