"""API of aid distribution and dowry cases: distributions (list, retrieve, record cash / goods / service) and
dowry cases (list, retrieve). Only the centers where the caller may see households are listed; recording goes
through the same services as the pages (which ask the access module: 404 for another center's household,
403 for a role that may not distribute that purpose). Reversal and dowry decisions are page actions."""

from decimal import Decimal

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from beneficiaries import rls
from beneficiaries.models import AidDistribution, AidGoodsLine, DowryCase, DowryItem, Household
from beneficiaries.services import distributions as services
from centers import access
from centers.api.tenancy import CenterFilter
from contributions.models import ServiceDetail, StockItem

from .households import _BeneficiaryViewSetMixin

MAX_ID = 2**62


def _call(fn):
    try:
        return fn()
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None


class GoodsLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = AidGoodsLine
        fields = ["item", "quantity", "value"]


class AidDistributionSerializer(serializers.ModelSerializer):
    purpose_code = serializers.CharField(source="purpose.code", read_only=True)
    goods = GoodsLineSerializer(many=True, read_only=True)

    class Meta:
        model = AidDistribution
        fields = ["id", "center", "household", "member", "kind", "purpose", "purpose_code", "source_purpose",
                  "approval_reference", "value", "occurred_on", "note", "ledger_transaction", "service_type",
                  "service_measure", "service_quantity", "goods", "dowry_case", "status", "reversed_at",
                  "reversal_reason", "recorded_by", "recorded_at"]


class GoodsInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))


class DistributionRecordSerializer(serializers.Serializer):
    """What recording a distribution takes: ``amount`` for cash, ``goods`` for goods, ``service_type``,
    ``measure`` and ``quantity`` for a donated service."""

    household = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=AidDistribution.Kind.choices)
    purpose = serializers.CharField(max_length=32, help_text=_("The aid purpose's code, e.g. food"))
    source_purpose = serializers.CharField(max_length=32, required=False, allow_blank=True, default="",
                                           help_text=_("Empty: the aid purpose's own money, goods or services"))
    approval_reference = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    member = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    dowry_case = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True,
                                          default=None)
    amount = serializers.IntegerField(min_value=1, max_value=services.MAX_AMOUNT, required=False,
                                      help_text=_("In rials (cash)"))
    goods = GoodsInputSerializer(many=True, required=False, max_length=20)
    service_type = serializers.ChoiceField(choices=ServiceDetail.ServiceType.choices, required=False)
    measure = serializers.ChoiceField(choices=ServiceDetail.Measure.choices, required=False)
    quantity = serializers.DecimalField(max_digits=8, decimal_places=1, min_value=Decimal("0.1"), required=False)

    def validate(self, data):
        needed = {"cash": ["amount"], "goods": ["goods"], "service": ["service_type", "measure", "quantity"]}
        missing = [name for name in needed[data["kind"]] if data.get(name) in (None, [], "")]
        if missing:
            raise serializers.ValidationError({name: [_("This field is required.")] for name in missing})
        return data


class DowryItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = DowryItem
        fields = ["description", "estimated_value"]


class DowryCaseSerializer(serializers.ModelSerializer):
    items = DowryItemSerializer(many=True, read_only=True)

    class Meta:
        model = DowryCase
        fields = ["id", "center", "household", "member", "wedding_on", "spouse_name", "status",
                  "approval_reference", "approved_at", "items", "created_at"]


class DistributionFilter(CenterFilter):
    household = django_filters.NumberFilter(field_name="household_id")
    kind = django_filters.ChoiceFilter(choices=AidDistribution.Kind.choices)
    status = django_filters.ChoiceFilter(choices=AidDistribution.Status.choices)
    purpose = django_filters.CharFilter(field_name="purpose__code")

    class Meta:
        model = AidDistribution
        fields: list[str] = []


class DowryCaseFilter(CenterFilter):
    household = django_filters.NumberFilter(field_name="household_id")
    status = django_filters.ChoiceFilter(choices=DowryCase.Status.choices)

    class Meta:
        model = DowryCase
        fields: list[str] = []


class AidDistributionViewSet(_BeneficiaryViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Aid distributions of the caller's centers, newest first."""

    model = AidDistribution
    serializer_class = AidDistributionSerializer
    filterset_class = DistributionFilter

    @extend_schema(request=DistributionRecordSerializer, responses={201: AidDistributionSerializer})
    def create(self, request, *args, **kwargs):
        body = DistributionRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = request.actor
        rls.apply_scope()
        household = (Household.objects.filter(pk=data["household"], center__in=sorted(actor.center_ids))
                     .select_related("center").first())
        access.require(actor, access.Action.VIEW_BENEFICIARIES, household)
        member = (household.members.filter(center=household.center, pk=data["member"]).first()
                  if data["member"] else None)
        if data["member"] and member is None:
            raise ApiValidationError({"member": [_("Choose a member of this household.")]})
        case = None
        if data["dowry_case"]:
            case = DowryCase.objects.filter(center=household.center, household=household, pk=data["dowry_case"]).first()
            if case is None:
                raise ApiValidationError({"dowry_case": [_("This dowry case is not this household's.")]})
        common = dict(actor=actor, household=household, purpose=data["purpose"],
                      source_purpose=data["source_purpose"], approval_reference=data["approval_reference"],
                      occurred_on=data["occurred_on"], member=member, note=data["note"], dowry_case=case)
        if data["kind"] == "cash":
            done = _call(lambda: services.distribution_record_cash(amount=data["amount"], **common))
        elif data["kind"] == "service":
            done = _call(lambda: services.distribution_record_service(
                service_type=data["service_type"], measure=data["measure"], quantity=data["quantity"], **common))
        else:
            items = StockItem.objects.in_bulk([g["item"] for g in data["goods"]])
            wanted = []
            for line in data["goods"]:
                item = items.get(line["item"])
                if item is None or item.center_id != household.center_id:
                    raise ApiValidationError({"goods": [_("This item is not in the center's stock.")]})
                wanted.append(services.GoodsRequest(item=item, quantity=line["quantity"]))
            done = _call(lambda: services.distribution_record_goods(goods=wanted, **common))
        return Response(AidDistributionSerializer(self.get_queryset().get(pk=done.pk)).data,
                        status=status.HTTP_201_CREATED)

    def tenant_queryset(self):
        return (AidDistribution.objects.select_related("purpose")
                .prefetch_related(Prefetch("goods", queryset=AidGoodsLine.objects.order_by("pk")))
                .order_by("-occurred_on", "-pk"))


class DowryCaseViewSet(_BeneficiaryViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Dowry cases of the caller's centers, with the items needed."""

    model = DowryCase
    serializer_class = DowryCaseSerializer
    filterset_class = DowryCaseFilter

    def tenant_queryset(self):
        return DowryCase.objects.prefetch_related("items").order_by("-created_at", "-pk")


def register(router):
    router.register("aid-distributions", AidDistributionViewSet, basename="aid-distribution")
    router.register("dowry-cases", DowryCaseViewSet, basename="dowry-case")
