"""API of the pledges area: a center's pledges with their schedules; create, and the actions pause, resume,
cancel and pay. Writes go through the services; writing needs RECORD_CONTRIBUTION at the pledge's center."""

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
from centers.models import Center
from contributions.models import Contribution, InKindLine, Pledge, PledgeInstalment, PledgePayment
from contributions.services import pledges as services
from donors.models import Donor


def _call(fn):
    try:
        return fn()
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None


class PledgePaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PledgePayment
        fields = ["contribution", "amount", "matched_at", "unmatched_at"]


class PledgeInstalmentSerializer(serializers.ModelSerializer):
    payments = PledgePaymentSerializer(many=True, read_only=True)

    class Meta:
        model = PledgeInstalment
        fields = ["id", "sequence", "due_on", "amount_due", "amount_paid", "status", "waived_reason", "payments"]


class PledgeSerializer(serializers.ModelSerializer):
    purpose = serializers.SlugRelatedField(slug_field="code", read_only=True)
    instalments = PledgeInstalmentSerializer(many=True, read_only=True)

    class Meta:
        model = Pledge
        fields = ["id", "center", "donor", "kind", "form", "target", "purpose", "sponsorship_reference",
                  "sponsorship_profile", "amount", "item_description", "item_unit", "item_quantity", "start_year",
                  "start_month", "due_day", "instalment_count", "status", "note", "paused_at", "pause_reason",
                  "resumed_at", "cancelled_at", "cancel_reason", "completed_at", "created_at", "instalments"]
        read_only_fields = fields


class GoodsSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=160)
    unit = serializers.ChoiceField(choices=InKindLine.Unit.choices)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))


class PledgeCreateSerializer(serializers.Serializer):
    """What recording a pledge takes; the answer is the pledge with its schedule."""

    center = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    donor = serializers.IntegerField(min_value=1, max_value=2**31 - 1,
                                     help_text=_("A donor known to the center."))
    kind = serializers.ChoiceField(choices=Pledge.Kind.choices)
    target = serializers.ChoiceField(choices=Pledge.Target.choices, default=Pledge.Target.PURPOSE)
    purpose = serializers.CharField(max_length=32, required=False, allow_null=True, default=None,
                                    help_text=_("Purpose code; a sponsorship's purpose follows from it."))
    amount = serializers.IntegerField(min_value=1, max_value=services.MAX_AMOUNT,
                                      help_text=_("Rials per instalment (for goods, their estimated value)."))
    start_year = serializers.IntegerField(min_value=1300, max_value=1600, help_text=_("Jalali year"))
    start_month = serializers.IntegerField(min_value=1, max_value=12, help_text=_("Jalali month"))
    due_day = serializers.IntegerField(min_value=1, max_value=31)
    instalment_count = serializers.IntegerField(min_value=1, max_value=services.MAX_INSTALMENTS, required=False,
                                                allow_null=True, default=None,
                                                help_text=_("Empty for an open-ended monthly pledge."))
    goods = GoodsSerializer(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class PauseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class EmptySerializer(serializers.Serializer):
    pass


class PaySerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=services.MAX_AMOUNT * services.MAX_INSTALMENTS)
    received_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=Contribution.Channel.choices, default=Contribution.Channel.IN_PERSON)
    external_reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class PledgeFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=Pledge.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Pledge.Kind.choices)
    donor = django_filters.NumberFilter(field_name="donor_id")

    class Meta:
        model = Pledge
        fields: list[str] = []


class PledgeViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Donors' pledges at the caller's centers, each with its schedule of instalments and their payments."""

    model = Pledge
    serializer_class = PledgeSerializer
    filterset_class = PledgeFilter

    def tenant_queryset(self):
        return (Pledge.objects.select_related("purpose")
                .prefetch_related("instalments__payments").order_by("-created_at", "-pk"))

    @extend_schema(request=PledgeCreateSerializer, responses={201: PledgeSerializer})
    def create(self, request, *args, **kwargs):
        body = PledgeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        center = Center.objects.filter(pk=data["center"]).first()
        access.require(request.actor, access.Action.RECORD_CONTRIBUTION, center)
        donor = Donor.objects.filter(pk=data["donor"], links__center=center).first()
        if donor is None:
            raise ApiValidationError({"donor": [_("No such donor is known to this center.")]})
        goods = data["goods"]
        pledge = _call(lambda: services.pledge_create(
            center=center, donor=donor, kind=data["kind"], target=data["target"], purpose=data["purpose"],
            amount=data["amount"], start_year=data["start_year"], start_month=data["start_month"],
            due_day=data["due_day"], instalment_count=data["instalment_count"],
            goods=services.PledgeGoods(**goods) if goods else None, note=data["note"], user=request.user))
        return Response(PledgeSerializer(self.tenant_queryset().get(pk=pledge.pk)).data,
                        status=status.HTTP_201_CREATED)

    def _act(self, request, body_class, call):
        pledge = self.get_object()
        access.require(request.actor, access.Action.RECORD_CONTRIBUTION, pledge)
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        _call(lambda: call(pledge, body.validated_data))
        return Response(PledgeSerializer(self.tenant_queryset().get(pk=pledge.pk)).data)

    @extend_schema(request=PauseSerializer, responses={200: PledgeSerializer})
    @action(detail=True, methods=["post"], serializer_class=PauseSerializer)
    def pause(self, request, pk=None):
        """Pause: no reminders and nothing becomes overdue until resumed."""
        return self._act(request, PauseSerializer,
                         lambda p, d: services.pledge_pause(pledge=p, reason=d["reason"], user=request.user))

    @extend_schema(request=EmptySerializer, responses={200: PledgeSerializer})
    @action(detail=True, methods=["post"], serializer_class=EmptySerializer)
    def resume(self, request, pk=None):
        """Resume a paused pledge; instalments that fell due during the pause with nothing paid are waived."""
        return self._act(request, EmptySerializer,
                         lambda p, d: services.pledge_resume(pledge=p, user=request.user))

    @extend_schema(request=CancelSerializer, responses={200: PledgeSerializer})
    @action(detail=True, methods=["post"], serializer_class=CancelSerializer)
    def cancel(self, request, pk=None):
        """Cancel (a reason is required); paid instalments and payments are kept, open ones waived."""
        return self._act(request, CancelSerializer,
                         lambda p, d: services.pledge_cancel(pledge=p, reason=d["reason"], user=request.user))

    @extend_schema(request=PaySerializer, responses={200: PledgeSerializer})
    @action(detail=True, methods=["post"], serializer_class=PaySerializer)
    def pay(self, request, pk=None):
        """Record a cash payment: a confirmed contribution matched to the oldest open instalments first."""
        return self._act(request, PaySerializer, lambda p, d: services.pledge_record_payment(
            pledge=p, amount=d["amount"], received_on=d["received_on"], channel=d["channel"],
            external_reference=d["external_reference"], user=request.user))


def register(router):
    """Puts this area's viewsets on the API router."""
    router.register("pledges", PledgeViewSet, basename="pledge")
