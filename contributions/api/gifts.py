"""API of the gifts area: contributions (list with filters, retrieve, create of every kind with its nested
lines, ``confirm`` and ``reverse``), the campaigns the caller's centers take part in, and the national list
of purposes.

Writes go through the services (``contributions.services.gifts``); the access module decides first: another
center's gift is a 404, recording needs RECORD_CONTRIBUTION and confirming or reversing MANAGE_FINANCE (403).
A service's ValidationError is answered 400 with its translated message (``core.api.exception_handler``).
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from centers import access
from centers.api.tenancy import CenterFilter, TenantViewSetMixin
from centers.models import Center
from contributions.forms import MAX_AMOUNT, find_donor
from contributions.models import Campaign, ConstructionDetail, Contribution, InKindLine, Purpose, ServiceDetail
from contributions.selectors import campaign_totals
from contributions.services import gifts as services
from donors.models import Donor

# --- Reading -----------------------------------------------------------------------------------------------


class PurposeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Purpose
        fields = ["id", "code", "name", "restricted"]


class InKindLineSerializer(serializers.ModelSerializer):
    value = serializers.IntegerField(read_only=True)

    class Meta:
        model = InKindLine
        fields = ["id", "category", "description", "unit", "quantity", "unit_value", "value", "perishable",
                  "expires_on"]


class ServiceDetailSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceDetail
        fields = ["service_type", "measure", "quantity", "description"]


class ConstructionDetailSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConstructionDetail
        fields = ["form", "facility_type", "facility_name", "address", "area_m2", "completed_on"]


class ContributionSerializer(serializers.ModelSerializer):
    purpose = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lines = InKindLineSerializer(many=True, read_only=True)
    service = serializers.SerializerMethodField()
    construction = serializers.SerializerMethodField()

    class Meta:
        model = Contribution
        fields = ["id", "center", "kind", "status", "purpose", "channel", "received_on", "amount", "donor",
                  "campaign", "external_reference", "note", "lines", "service", "construction",
                  "ledger_transaction", "recorded_at", "recorded_by", "confirmed_at", "confirmed_by",
                  "reversed_at", "reversed_by", "reversal_reason"]
        read_only_fields = fields

    @extend_schema_field(ServiceDetailSerializer(allow_null=True))
    def get_service(self, obj) -> dict | None:
        detail = getattr(obj, "service", None) if obj.kind == Contribution.Kind.SERVICE else None
        return ServiceDetailSerializer(detail).data if detail else None

    @extend_schema_field(ConstructionDetailSerializer(allow_null=True))
    def get_construction(self, obj) -> dict | None:
        detail = getattr(obj, "construction", None) if obj.kind == Contribution.Kind.CONSTRUCTION else None
        return ConstructionDetailSerializer(detail).data if detail else None


# --- Writing -----------------------------------------------------------------------------------------------

class GoodsLineInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=InKindLine.Category.choices)
    description = serializers.CharField(max_length=160)
    unit = serializers.ChoiceField(choices=InKindLine.Unit.choices)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))
    unit_value = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT, help_text=_("In rials"))
    perishable = serializers.BooleanField(default=False)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, data):
        if data["quantity"] * data["unit_value"] > MAX_AMOUNT:
            raise serializers.ValidationError({"unit_value": [_("The amount is too large; check the number of "
                                                                 "digits.")]})
        return data


class ServiceInputSerializer(serializers.Serializer):
    service_type = serializers.ChoiceField(choices=ServiceDetail.ServiceType.choices)
    measure = serializers.ChoiceField(choices=ServiceDetail.Measure.choices, default=ServiceDetail.Measure.HOURS)
    quantity = serializers.DecimalField(max_digits=8, decimal_places=1, min_value=Decimal("0.1"))
    description = serializers.CharField(max_length=255, allow_blank=True, default="")


class ConstructionInputSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=ConstructionDetail.Form.choices)
    facility_type = serializers.ChoiceField(choices=ConstructionDetail.FacilityType.choices)
    facility_name = serializers.CharField(max_length=160)
    address = serializers.CharField(max_length=300, allow_blank=True, default="")
    area_m2 = serializers.IntegerField(min_value=1, max_value=10**7, required=False, allow_null=True, default=None)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)


class ContributionCreateSerializer(serializers.Serializer):
    """What recording a gift takes; the answer is the recorded (or, with ``confirm``, confirmed) gift."""

    center = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    kind = serializers.ChoiceField(choices=Contribution.Kind.choices, default=Contribution.Kind.CASH)
    # A code, checked by the service (a CharField refuses NUL bytes before any query sees them).
    purpose = serializers.CharField(max_length=32, help_text=_("Purpose code, e.g. general or zakat"))
    channel = serializers.ChoiceField(choices=Contribution.Channel.choices, default=Contribution.Channel.IN_PERSON)
    received_on = serializers.DateField()
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT, required=False, allow_null=True,
                                      default=None,
                                      help_text=_("Rials given (cash) or the declared value (service, "
                                                  "construction); goods are valued by their lines."))
    donor = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True,
                                     default=None, help_text=_("A donor this center may see; empty: anonymous."))
    donor_identifier = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                             help_text=_("Or the donor's mobile, national code or legal-entity "
                                                         "ID, looked up in the center's organisation."))
    campaign = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True,
                                        default=None)
    external_reference = serializers.CharField(max_length=64, allow_blank=True, default="")
    note = serializers.CharField(max_length=255, allow_blank=True, default="")
    lines = GoodsLineInputSerializer(many=True, required=False, default=list, max_length=50)
    service = ServiceInputSerializer(required=False, allow_null=True, default=None)
    construction = ConstructionInputSerializer(required=False, allow_null=True, default=None)
    confirm = serializers.BooleanField(default=False, help_text=_("Also confirm it at once (needs the "
                                                                   "finance right; not for goods yet)."))


class ReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class ContributionFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=Contribution.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Contribution.Kind.choices)
    channel = django_filters.ChoiceFilter(choices=Contribution.Channel.choices)
    purpose = django_filters.CharFilter(field_name="purpose__code", help_text=_("Purpose code"))
    campaign = django_filters.NumberFilter(field_name="campaign_id")
    donor = django_filters.NumberFilter(field_name="donor_id")
    received_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")

    class Meta:
        model = Contribution
        fields: list[str] = []


def _center(request, center_id) -> Center:
    center = Center.objects.filter(pk=center_id).select_related("organization").first()
    access.require(request.actor, access.Action.VIEW, center)
    return center


class ContributionViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Gifts at the caller's centers: cash, in kind, services and construction."""

    model = Contribution
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilter
    ordering_fields = ["received_on", "amount", "recorded_at"]

    def tenant_queryset(self):
        return (Contribution.objects.select_related("purpose", "service", "construction")
                .prefetch_related("lines").order_by("-received_on", "-pk"))

    @extend_schema(request=ContributionCreateSerializer, responses={201: ContributionSerializer})
    def create(self, request, *args, **kwargs):
        body = ContributionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        center = _center(request, data["center"])
        access.require(request.actor, access.Action.RECORD_CONTRIBUTION, center)
        if data["confirm"]:
            access.require(request.actor, access.Action.MANAGE_FINANCE, center)
        donor = self._donor(center, data)
        campaign = None
        if data["campaign"] is not None:
            campaign = Campaign.objects.filter(pk=data["campaign"], centers=center).first()
            if campaign is None:
                raise ApiValidationError({"campaign": [_("This center does not take part in the campaign.")]})
        kind = data["kind"]
        gift = services.contribution_record(
            center=center, kind=kind, purpose=data["purpose"], received_on=data["received_on"],
            channel=data["channel"], donor=donor, amount=data["amount"], campaign=campaign,
            external_reference=data["external_reference"], note=data["note"], user=request.user,
            goods=[services.GoodsLine(**line) for line in data["lines"]] or None,
            service=services.ServiceGiven(**data["service"]) if data["service"] else None,
            construction=services.ConstructionGiven(**data["construction"]) if data["construction"] else None)
        if data["confirm"]:
            if kind == Contribution.Kind.IN_KIND:
                raise ApiValidationError({"confirm": [_("Confirm goods from the gift once they are counted.")]})
            gift = services.contribution_confirm(contribution=gift, user=request.user)
        return Response(ContributionSerializer(self.tenant_queryset().get(pk=gift.pk)).data,
                        status=status.HTTP_201_CREATED)

    @staticmethod
    def _donor(center, data):
        if data["donor"] is not None:
            donor = Donor.objects.filter(pk=data["donor"], organization_id=center.organization_id,
                                         merged_into__isnull=True).first()
            if donor is None:
                raise ApiValidationError({"donor": [_("Unknown donor.")]})
            return donor
        if data["donor_identifier"].strip():
            return find_donor(center=center, identifier=data["donor_identifier"].strip())
        return None

    @extend_schema(request=None, responses={200: ContributionSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm a recorded gift: cash posts to the ledger exactly once, goods enter the stock."""
        gift = self.get_object()
        access.require(request.actor, access.Action.MANAGE_FINANCE, gift)
        services.contribution_confirm(contribution=gift, user=request.user)
        return Response(ContributionSerializer(self.tenant_queryset().get(pk=gift.pk)).data)

    @extend_schema(request=ReverseSerializer, responses={200: ContributionSerializer})
    @action(detail=True, methods=["post"], serializer_class=ReverseSerializer)
    def reverse(self, request, pk=None):
        """Reverse a gift, with a reason; a confirmed one gets a ledger reversal pointing at its posting."""
        gift = self.get_object()
        access.require(request.actor, access.Action.MANAGE_FINANCE, gift)
        body = ReverseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.contribution_reverse(contribution=gift, reason=body.validated_data["reason"], user=request.user)
        return Response(ContributionSerializer(self.tenant_queryset().get(pk=gift.pk)).data)


class CampaignSerializer(serializers.ModelSerializer):
    centers = serializers.SerializerMethodField(help_text=_("The participating centers the caller may see."))
    raised_at_my_centers = serializers.SerializerMethodField(help_text=_("Confirmed rials at those centers."))
    raised_overall = serializers.SerializerMethodField(help_text=_("Confirmed rials at every participating "
                                                                   "center."))

    class Meta:
        model = Campaign
        fields = ["id", "organization", "occasion", "name", "starts_on", "ends_on", "goal_amount", "centers",
                  "raised_at_my_centers", "raised_overall"]

    def get_centers(self, obj) -> list[int]:
        mine = self.context["center_ids"]
        return sorted(c.pk for c in obj.centers.all() if c.pk in mine)

    def get_raised_at_my_centers(self, obj) -> int:
        return self.context["raised_mine"].get(obj.pk, 0)

    def get_raised_overall(self, obj) -> int:
        return self.context["raised_overall"].get(obj.pk, 0)


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Campaigns (occasions) in which at least one of the caller's centers takes part, with their progress.

    A campaign is the organisation's, not one center's: it lists only the participating centers the caller
    may see, and the overall figure is a total, never another center's rows."""

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()
    filterset_fields = ["occasion"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        ids = sorted(self.request.actor.center_ids)
        return (Campaign.objects.filter(pk__in=Campaign.objects.filter(centers__in=ids).values("pk"))
                .prefetch_related("centers").order_by("-starts_on", "pk"))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or not hasattr(self.request, "actor"):
            return {**context, "center_ids": frozenset(), "raised_mine": {}, "raised_overall": {}}
        ids = self.request.actor.center_ids
        campaigns = list(self.get_queryset().values_list("pk", flat=True))
        mine = (Contribution.objects.filter(campaign_id__in=campaigns, center_id__in=sorted(ids),
                                            status=Contribution.Status.CONFIRMED)
                .values("campaign_id").annotate(total=Sum("amount")))
        return {**context, "center_ids": ids, "raised_mine": {r["campaign_id"]: r["total"] for r in mine},
                "raised_overall": campaign_totals(campaigns)}


class PurposeViewSet(viewsets.ReadOnlyModelViewSet):
    """The national list of purposes money may be given for (general is the only unrestricted one)."""

    queryset = Purpose.objects.all().order_by("code")
    serializer_class = PurposeSerializer
    permission_classes = [AllowAny]
    filterset_fields = ["restricted", "code"]


def register(router):
    """Puts this area's viewsets on the API router."""
    router.register("contributions", ContributionViewSet, basename="contribution")
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("purposes", PurposeViewSet, basename="purpose")
