"""Participatory plans (read), collective actions and partnerships (read and record)."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from centers.api.tenancy import CenterFilter, TenantViewSetMixin
from community import services
from community.models import (
    CollectiveAction,
    ParticipatoryPlan,
    Partnership,
    PlanAction,
    ProblemCategory,
    Stakeholder,
)

from .common import MAX_ID, call, center_for, center_id_field


class StakeholderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stakeholder
        fields = ["id", "name", "kind", "role"]


class PlanActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanAction
        fields = ["id", "title", "responsible", "due_on", "status"]


class PlanSerializer(serializers.ModelSerializer):
    stakeholders = StakeholderSerializer(many=True, read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)

    class Meta:
        model = ParticipatoryPlan
        fields = ["id", "center", "title", "starts_on", "ends_on", "goals", "status", "problems", "stakeholders",
                  "actions", "created_at"]


class CollectiveActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectiveAction
        fields = ["id", "center", "plan", "title", "category", "held_on", "reach", "participants",
                  "participants_description", "description", "created_at"]


class CollectiveActionRecordSerializer(serializers.Serializer):
    center = center_id_field()
    plan = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=[("", "")] + ProblemCategory.choices, allow_blank=True, default="")
    held_on = serializers.DateField()
    reach = serializers.IntegerField(min_value=0, max_value=10_000_000)
    participants = serializers.IntegerField(min_value=0, max_value=10_000_000)
    participants_description = serializers.CharField(max_length=5000, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, allow_blank=True, default="")


class PartnershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partnership
        fields = ["id", "center", "body", "kind", "subject", "started_on", "ends_on", "contact"]


class PartnershipRecordSerializer(serializers.Serializer):
    center = center_id_field()
    body = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Stakeholder.Kind.choices)
    subject = serializers.CharField(max_length=5000)
    started_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    contact = serializers.CharField(max_length=200, allow_blank=True, default="")


class PlanFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=ParticipatoryPlan.Status.choices)

    class Meta:
        model = ParticipatoryPlan
        fields: list[str] = []


class ActionFilter(CenterFilter):
    plan = django_filters.NumberFilter(field_name="plan_id")
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = CollectiveAction
        fields: list[str] = []


class ParticipatoryPlanViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Participatory plans with their stakeholders and actions."""

    model = ParticipatoryPlan
    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def tenant_queryset(self):
        return ParticipatoryPlan.objects.prefetch_related("stakeholders", "actions", "problems").order_by(
            "-starts_on", "-pk")


class CollectiveActionViewSet(TenantViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Collective actions carried out, with their reach and participants."""

    model = CollectiveAction
    serializer_class = CollectiveActionSerializer
    filterset_class = ActionFilter

    def tenant_queryset(self):
        return CollectiveAction.objects.order_by("-held_on", "-pk")

    @extend_schema(request=CollectiveActionRecordSerializer, responses={201: CollectiveActionSerializer})
    def create(self, request, *args, **kwargs):
        body = CollectiveActionRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        center = center_for(request, data.pop("center"))
        plan_id = data.pop("plan")
        plan = ParticipatoryPlan.objects.filter(center=center, pk=plan_id).first() if plan_id else None
        if plan_id and plan is None:
            raise serializers.ValidationError({"plan": ["Not one of this center's plans."]})
        action = call(lambda: services.collective_action_record(actor=request.actor, center=center, plan=plan,
                                                                **data))
        return Response(CollectiveActionSerializer(action).data, status=status.HTTP_201_CREATED)


class PartnershipViewSet(TenantViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Partnerships with local bodies."""

    model = Partnership
    serializer_class = PartnershipSerializer
    filterset_class = CenterFilter

    def tenant_queryset(self):
        return Partnership.objects.order_by("-started_on", "pk")

    @extend_schema(request=PartnershipRecordSerializer, responses={201: PartnershipSerializer})
    def create(self, request, *args, **kwargs):
        body = PartnershipRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        center = center_for(request, data.pop("center"))
        partnership = call(lambda: services.partnership_record(actor=request.actor, center=center, **data))
        return Response(PartnershipSerializer(partnership).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("community/plans", ParticipatoryPlanViewSet, basename="community-plan")
    router.register("community/collective-actions", CollectiveActionViewSet, basename="community-collective-action")
    router.register("community/partnerships", PartnershipViewSet, basename="community-partnership")
