"""The harm map's sites (GeoJSON geometry, kind, severity); recording one validates the geometry."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from centers.api.tenancy import CenterFilter, TenantViewSetMixin
from community import services
from community.models import HarmSite, ProblemCategory

from .common import call, center_for, center_id_field


class HarmSiteSerializer(serializers.ModelSerializer):
    geometry = serializers.JSONField(help_text="GeoJSON Point or Polygon, longitude first")

    class Meta:
        model = HarmSite
        fields = ["id", "center", "title", "category", "severity", "geometry", "observed_on", "source", "notes",
                  "active", "created_at"]


class HarmSiteRecordSerializer(serializers.Serializer):
    center = center_id_field()
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    severity = serializers.IntegerField(min_value=1, max_value=5)
    geometry = serializers.JSONField(help_text="GeoJSON Point or Polygon inside Iran, longitude first")
    observed_on = serializers.DateField()
    source = serializers.CharField(max_length=200, allow_blank=True, default="")
    notes = serializers.CharField(max_length=5000, allow_blank=True, default="")


class HarmFilter(CenterFilter):
    category = django_filters.ChoiceFilter(choices=ProblemCategory.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = HarmSite
        fields: list[str] = []


class HarmSiteViewSet(TenantViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Places of social harm on the neighbourhood's map (places, never people)."""

    model = HarmSite
    serializer_class = HarmSiteSerializer
    filterset_class = HarmFilter

    def tenant_queryset(self):
        return HarmSite.objects.order_by("-severity", "category", "pk")

    @extend_schema(request=HarmSiteRecordSerializer, responses={201: HarmSiteSerializer})
    def create(self, request, *args, **kwargs):
        body = HarmSiteRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        center = center_for(request, data.pop("center"))
        site = call(lambda: services.harm_site_record(actor=request.actor, center=center, **data))
        return Response(HarmSiteSerializer(site).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("community/harm-sites", HarmSiteViewSet, basename="community-harm-site")
