"""API of the stock area: items with their levels, lots and movements (read-only), and a ``distribute``
action on an item. Writes go through ``contributions.services.stock``; distributing needs MANAGE_STOCK."""

from decimal import Decimal

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from centers import access
from centers.api.tenancy import CenterFilter, TenantViewSetMixin
from contributions.models import InKindLine, StockItem, StockLot, StockMovement
from contributions.services import stock as services


def _call(fn):
    try:
        return fn()
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None


class StockItemSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3, read_only=True,
                                        help_text=_("Quantity remaining across the item's lots"))
    value = serializers.IntegerField(read_only=True, help_text=_("Value remaining, in rials"))
    open_lots = serializers.IntegerField(read_only=True)
    next_expiry = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = StockItem
        fields = ["id", "center", "category", "description", "unit", "quantity", "value", "open_lots",
                  "next_expiry"]


class StockLotSerializer(serializers.ModelSerializer):
    purpose = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = StockLot
        fields = ["id", "center", "item", "contribution", "purpose", "received_on", "quantity_received",
                  "quantity_remaining", "unit_value", "value_received", "value_remaining", "perishable",
                  "expires_on"]


class StockMovementSerializer(serializers.ModelSerializer):
    purpose = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = StockMovement
        fields = ["id", "center", "item", "lot", "batch", "kind", "cause", "quantity", "value", "purpose",
                  "occurred_on", "recipient_reference", "reason", "ledger_transaction", "created_at"]


class DistributeSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"),
                                        max_value=Decimal("999999999.999"))
    purpose = serializers.SlugField(max_length=32, required=False, allow_blank=True, default="",
                                    help_text=_("Draw only on goods given for this purpose (its code)"))
    recipient_reference = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)


class DistributionSerializer(serializers.Serializer):
    batch = serializers.UUIDField()
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3)
    value = serializers.IntegerField()
    ledger_transaction = serializers.SerializerMethodField()
    movements = StockMovementSerializer(many=True)

    def get_ledger_transaction(self, obj) -> int | None:
        return obj.ledger_transaction.pk if obj.ledger_transaction is not None else None


class StockItemFilter(CenterFilter):
    category = django_filters.ChoiceFilter(choices=InKindLine.Category.choices)

    class Meta:
        model = StockItem
        fields: list[str] = []


class StockLotFilter(CenterFilter):
    item = django_filters.NumberFilter(field_name="item_id")
    perishable = django_filters.BooleanFilter()
    held = django_filters.BooleanFilter(method="filter_held", label=_("Only lots that still hold goods"))
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte")

    class Meta:
        model = StockLot
        fields: list[str] = []

    def filter_held(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(quantity_remaining__gt=0) if value else queryset.filter(quantity_remaining=0)


class StockMovementFilter(CenterFilter):
    item = django_filters.NumberFilter(field_name="item_id")
    lot = django_filters.NumberFilter(field_name="lot_id")
    kind = django_filters.ChoiceFilter(choices=StockMovement.Kind.choices)

    class Meta:
        model = StockMovement
        fields: list[str] = []


class StockItemViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The goods each of the caller's centers holds, with quantity and value remaining."""

    model = StockItem
    serializer_class = StockItemSerializer
    filterset_class = StockItemFilter
    # No OPTIONS metadata: the schema documents the operations, and an OPTIONS answer of 200 is not in it.
    metadata_class = None

    def tenant_queryset(self):
        return services.with_levels(StockItem.objects.all()).order_by("center_id", "category", "description")

    @extend_schema(request=DistributeSerializer, responses={201: DistributionSerializer})
    @action(detail=True, methods=["post"], serializer_class=DistributeSerializer)
    def distribute(self, request, pk=None):
        """Hand goods of this item out as aid, first to expire, first out (needs the stock-keeping role)."""
        item = self.get_object()
        access.require(request.actor, access.Action.MANAGE_STOCK, item)
        body = DistributeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        done = _call(lambda: services.stock_distribute(
            center=item.center, item=item, quantity=data["quantity"], purpose=data["purpose"] or None,
            recipient_reference=data["recipient_reference"], note=data["note"], occurred_on=data["occurred_on"],
            user=request.user))
        return Response(DistributionSerializer(done).data, status=status.HTTP_201_CREATED)


class StockLotViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Lots of goods received, first to expire first."""

    model = StockLot
    serializer_class = StockLotSerializer
    filterset_class = StockLotFilter

    def tenant_queryset(self):
        return StockLot.objects.select_related("purpose").order_by(*services.FEFO)


class StockMovementViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Every receipt, distribution, reversal and write-off of goods; append-only."""

    model = StockMovement
    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilter

    def tenant_queryset(self):
        return StockMovement.objects.select_related("purpose").order_by("-created_at", "-pk")


def register(router):
    """Puts this area's viewsets on the API router."""
    router.register("stock-items", StockItemViewSet, basename="stock-item")
    router.register("stock-lots", StockLotViewSet, basename="stock-lot")
    router.register("stock-movements", StockMovementViewSet, basename="stock-movement")
