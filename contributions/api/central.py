"""API of the province's central account (read only): the allocations made to the actor's centers, and the
pool of a province for one organisation over the centers the actor may see. Allocations are recorded by a
supervisor over the province in the admin (``contributions.admin.central``), through the service."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from centers.api.tenancy import CenterFilter, TenantViewSetMixin
from centers.models import Organization, Province
from contributions.models import CentralAllocation
from contributions.services.central import central_pool


class CentralAllocationSerializer(serializers.ModelSerializer):
    purpose = serializers.SlugRelatedField(slug_field="code", read_only=True)
    transaction = serializers.PrimaryKeyRelatedField(read_only=True)
    source_transaction = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = CentralAllocation
        fields = ["id", "center", "source_center", "province", "purpose", "amount", "occurred_on",
                  "decision_reference", "transaction", "source_transaction", "created_at"]


class CentralAllocationFilter(CenterFilter):
    purpose = django_filters.CharFilter(field_name="purpose__code", max_length=32)

    class Meta:
        model = CentralAllocation
        fields: list[str] = []


class PoolQuerySerializer(serializers.Serializer):
    province = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    organization = serializers.ChoiceField(choices=Organization.Code.choices)


class PoolShareSerializer(serializers.Serializer):
    center = serializers.IntegerField()
    amount = serializers.IntegerField(help_text=_("In rials"))


class PoolRowSerializer(serializers.Serializer):
    purpose = serializers.CharField()
    total = serializers.IntegerField(help_text=_("In rials"))
    shares = PoolShareSerializer(many=True)


class CentralAllocationViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Allocations from the province's central account to the actor's centers."""

    model = CentralAllocation
    serializer_class = CentralAllocationSerializer
    filterset_class = CentralAllocationFilter

    def tenant_queryset(self):
        return CentralAllocation.objects.select_related("purpose").order_by("-occurred_on", "-pk")

    @extend_schema(parameters=[PoolQuerySerializer], responses={200: PoolRowSerializer(many=True)})
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def pool(self, request):
        """The province's central account for one organisation, per purpose: the total and each center's
        share, over the centers the caller may see (a supervisor over the province sees all of it)."""
        query = PoolQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        province = Province.objects.filter(pk=query.validated_data["province"]).first()
        organization = Organization.objects.filter(code=query.validated_data["organization"]).first()
        if province is None or organization is None:
            return Response([])
        rows = central_pool(province=province, organization=organization)
        allowed = request.actor.center_ids
        data = []
        for row in rows:
            shares = [{"center": c.pk, "amount": amount} for c, amount in row["shares"] if c.pk in allowed]
            if shares:
                data.append({"purpose": row["purpose"].code, "total": sum(s["amount"] for s in shares),
                             "shares": shares})
        return Response(PoolRowSerializer(data, many=True).data)


def register(router):
    router.register("central-allocations", CentralAllocationViewSet, basename="central-allocation")
