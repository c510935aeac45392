"""API of interest-free loans and employment and empowerment plans: read (list, retrieve) for the roles that
may see them, and the loan's money steps (``disburse``, ``repay``) through the services, which ask the access
module and post through the ledger. Borrowers appear by name only as far as the household pages show them;
identifiers never (the API has no identifier at all here)."""

from types import SimpleNamespace

import django_filters
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from beneficiaries import rls, services
from beneficiaries.models import (
    EmpowermentPlan,
    Loan,
    LoanGuarantor,
    LoanInstalment,
    LoanRepayment,
    PlanFunding,
    PlanMilestone,
)
from centers import access
from centers.access import Action
from centers.api.tenancy import CenterFilter, TenantViewSetMixin


def _call(fn):
    try:
        return fn()
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None


class InstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = LoanInstalment
        fields = ["sequence", "due_on", "amount_due", "amount_paid", "status", "paid_on"]


class RepaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = LoanRepayment
        fields = ["id", "amount", "received_on", "channel", "reference", "allocation", "created_at"]


class GuarantorSerializer(serializers.ModelSerializer):
    class Meta:
        model = LoanGuarantor
        fields = ["full_name", "note"]


class LoanSerializer(serializers.ModelSerializer):
    instalments = InstalmentSerializer(many=True, read_only=True)
    repayments = RepaymentSerializer(many=True, read_only=True)
    guarantors = GuarantorSerializer(many=True, read_only=True)

    class Meta:
        model = Loan
        fields = ["id", "center", "household", "borrower", "amount", "purpose", "purpose_note", "instalment_count",
                  "first_due_on", "status", "requested_on", "decided_on", "disbursed_on", "repaid_on",
                  "written_off_on", "write_off_reference", "instalments", "repayments", "guarantors"]


class DisburseSerializer(serializers.Serializer):
    disbursed_on = serializers.DateField(required=False, allow_null=True, default=None)


class RepaySerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=services.loans.MAX_LOAN)
    received_on = serializers.DateField()
    reference = serializers.CharField(max_length=64)
    channel = serializers.ChoiceField(choices=LoanRepayment.Channel.choices, default=LoanRepayment.Channel.CASH)


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanMilestone
        fields = ["id", "title", "due_on", "status", "done_on", "evidence"]


class FundingSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanFunding
        fields = ["id", "kind", "loan", "description", "quantity", "unit", "amount", "reference"]


class EmpowermentPlanSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    funding = FundingSerializer(many=True, read_only=True)

    class Meta:
        model = EmpowermentPlan
        fields = ["id", "center", "household", "member", "goal", "title", "description", "started_on", "target_on",
                  "follow_up", "follow_up_note", "followed_up_on", "status", "outcome", "outcome_note", "closed_on",
                  "milestones", "funding"]


class LoanFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=Loan.Status.choices)
    household = django_filters.NumberFilter(field_name="household_id")

    class Meta:
        model = Loan
        fields: list[str] = []


class PlanFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=EmpowermentPlan.Status.choices)
    household = django_filters.NumberFilter(field_name="household_id")

    class Meta:
        model = EmpowermentPlan
        fields: list[str] = []


class _AreaViewSetMixin(TenantViewSetMixin):
    """Narrows to the centers where the caller holds ``view_action`` (not merely the center), and sets the
    row-level-security setting to exactly those (the rows point at households)."""

    view_action: Action

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model._base_manager.none()
        actor = self.request.actor
        allowed = sorted(c for c in actor.center_ids
                         if access.may(actor, self.view_action, SimpleNamespace(center_id=c)))
        rls.apply(connection, allowed)
        return self.tenant_queryset().filter(center__in=allowed)


class LoanViewSet(_AreaViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Interest-free loans of the caller's centers with their schedules, repayments and guarantors."""

    model = Loan
    view_action = Action.VIEW_LOANS
    serializer_class = LoanSerializer
    filterset_class = LoanFilter

    def tenant_queryset(self):
        return (Loan.objects.prefetch_related(
            Prefetch("instalments", queryset=LoanInstalment.objects.order_by("sequence")),
            Prefetch("repayments", queryset=LoanRepayment.objects.order_by("-received_on", "-pk")),
            "guarantors").order_by("-requested_on", "-pk"))

    @extend_schema(request=DisburseSerializer, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"])
    def disburse(self, request, pk=None):
        loan = self.get_object()
        body = DisburseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _call(lambda: services.loan_disburse(actor=request.actor, loan=loan,
                                             disbursed_on=body.validated_data["disbursed_on"]))
        return Response(LoanSerializer(self.get_queryset().get(pk=loan.pk)).data)

    @extend_schema(request=RepaySerializer, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"])
    def repay(self, request, pk=None):
        loan = self.get_object()
        body = RepaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _call(lambda: services.loan_record_repayment(actor=request.actor, loan=loan, **body.validated_data))
        return Response(LoanSerializer(self.get_queryset().get(pk=loan.pk)).data)


class PlanViewSet(_AreaViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Employment and empowerment plans of the caller's centers with their milestones and funding lines."""

    model = EmpowermentPlan
    view_action = Action.VIEW_PLANS
    serializer_class = EmpowermentPlanSerializer
    filterset_class = PlanFilter

    def tenant_queryset(self):
        return EmpowermentPlan.objects.prefetch_related("milestones", "funding").order_by("status", "-started_on",
                                                                                          "-pk")


def register(router):
    router.register("loans", LoanViewSet, basename="loan")
    router.register("empowerment-plans", PlanViewSet, basename="empowerment-plan")
