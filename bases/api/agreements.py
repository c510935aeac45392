"""API of social-health bases: the NGOs the caller may see (read-only), the bases' yearly agreements (list,
retrieve, conclude; renew, terminate, decide the performance, adjust the allocation; the score with its
breakdown) and their activity reports (list, retrieve, record). Writes go through the services, which ask
the access module; an agreement of another base is a 404 like a missing one."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from bases.models import ActivityKind, ActivityReport, BaseAgreement, Commitment, Ngo, NgoLicense, NgoStaff
from bases.models import NgoTrackRecord as TrackRecord
from bases.services import agreements as services
from bases.services import funding
from bases.services.ngos import ngos_visible_to
from centers import access
from centers.api.tenancy import CenterFilter, TenantViewSetMixin
from centers.models import Center


def _call(fn):
    try:
        return fn()
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None

# --- NGOs ------------------------------------------------------------------------------------------------

class NgoLicenseSerializer(serializers.ModelSerializer):
    class Meta:
        model = NgoLicense
        fields = ["id", "number", "issued_on", "valid_until"]


class TrackRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrackRecord
        fields = ["id", "activity", "started_on", "ended_on", "place"]


class StaffSerializer(serializers.ModelSerializer):
    class Meta:
        model = NgoStaff
        fields = ["id", "name", "role", "qualification", "active"]


class NgoSerializer(serializers.ModelSerializer):
    licenses = NgoLicenseSerializer(many=True, read_only=True)
    track_record = TrackRecordSerializer(many=True, read_only=True)
    staff = StaffSerializer(many=True, read_only=True)

    class Meta:
        model = Ngo
        fields = ["id", "name", "legal_entity_id", "registration_number", "county", "address", "phone",
                  "licenses", "track_record", "staff"]


class NgoViewSet(viewsets.ReadOnlyModelViewSet):
    """NGOs: a welfare supervisor's region's, and those running the caller's bases."""

    serializer_class = NgoSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ngo.objects.none()
        return ngos_visible_to(self.request.actor).prefetch_related("licenses", "track_record", "staff").order_by(
            "name", "pk")


# --- Agreements ------------------------------------------------------------------------------------------

class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commitment
        fields = ["id", "activity", "description", "target", "unit"]


class AgreementSerializer(serializers.ModelSerializer):
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = BaseAgreement
        fields = ["id", "center", "ngo", "jalali_year", "budget", "starts_on", "ends_on", "status", "renewal_of",
                  "performance", "performance_decided_at", "performance_note", "performance_score",
                  "notice_given_on", "terminated_on", "termination_reason", "commitments", "created_at"]


class CommitmentInputSerializer(serializers.Serializer):
    activity = serializers.ChoiceField(choices=ActivityKind.choices)
    description = serializers.CharField(max_length=300)
    target = serializers.IntegerField(min_value=1, max_value=10**9)
    unit = serializers.CharField(max_length=60)


class AgreementCreateSerializer(serializers.Serializer):
    center = serializers.IntegerField(min_value=1, max_value=2**62)
    jalali_year = serializers.IntegerField(min_value=1300, max_value=1500)
    budget = serializers.IntegerField(min_value=0, max_value=10**15, help_text=_("In rials"))
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    commitments = CommitmentInputSerializer(many=True)


class RenewSerializer(serializers.Serializer):
    budget = serializers.IntegerField(min_value=0, max_value=10**15, required=False, allow_null=True, default=None,
                                      help_text=_("In rials; empty: the allocation (adjusted, else proposed)"))


class TerminateSerializer(serializers.Serializer):
    notice_given_on = serializers.DateField()
    terminated_on = serializers.DateField(help_text=_("The agreement's last day in force"))
    reason = serializers.CharField(max_length=2000)


class PerformanceSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, allow_blank=True, default="")


class AdjustSerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=0, max_value=10**15, help_text=_("In rials"))
    reason = serializers.CharField(max_length=2000)


class ScoreRowSerializer(serializers.Serializer):
    commitment_id = serializers.IntegerField()
    activity = serializers.CharField()
    description = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.IntegerField()
    achieved = serializers.IntegerField()
    percent = serializers.IntegerField()
    weight = serializers.IntegerField()
    met = serializers.BooleanField()


class ScoreSerializer(serializers.Serializer):
    rows = ScoreRowSerializer(many=True)
    achievement_percent = serializers.IntegerField()
    completion_percent = serializers.IntegerField()
    score = serializers.IntegerField()
    budget = serializers.IntegerField()
    proposed_allocation = serializers.IntegerField()
    next_allocation = serializers.IntegerField()


class AgreementFilter(CenterFilter):
    jalali_year = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=BaseAgreement.Status.choices)

    class Meta:
        model = BaseAgreement
        fields: list[str] = []


class AgreementViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Yearly agreements of social-health bases; supervisors over a base conclude and manage them."""

    model = BaseAgreement
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    # No OPTIONS answer: its 200 would be an undocumented answer of the 201-only POST operations.
    metadata_class = None

    def tenant_queryset(self):
        return BaseAgreement.objects.prefetch_related("commitments").order_by("center_id", "-jalali_year")

    @extend_schema(request=AgreementCreateSerializer, responses={201: AgreementSerializer})
    def create(self, request, *args, **kwargs):
        body = AgreementCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        center = Center.objects.filter(pk=data["center"]).select_related("organization", "county").first()
        access.require(request.actor, access.Action.SUPERVISE, center)
        agreement = _call(lambda: services.agreement_create(
            actor=request.actor, center=center, jalali_year=data["jalali_year"], budget=data["budget"],
            starts_on=data["starts_on"], ends_on=data["ends_on"],
            commitments=[services.CommitmentSpec(**c) for c in data["commitments"]]))
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)

    def _supervised(self, request):
        obj = self.get_object()
        access.require(request.actor, access.Action.SUPERVISE, obj)
        return obj

    @extend_schema(request=RenewSerializer, responses={201: AgreementSerializer})
    @action(detail=True, methods=["post"], serializer_class=RenewSerializer)
    def renew(self, request, pk=None):
        """Conclude next year's agreement (refused until the year's performance is approved)."""
        obj = self._supervised(request)
        body = RenewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        renewed = _call(lambda: services.agreement_renew(actor=request.actor, agreement=obj,
                                                         budget=body.validated_data["budget"]))
        return Response(AgreementSerializer(renewed).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TerminateSerializer, responses={200: AgreementSerializer})
    @action(detail=True, methods=["post"], serializer_class=TerminateSerializer)
    def terminate(self, request, pk=None):
        """End the agreement early, with the notice date and the reason."""
        obj = self._supervised(request)
        body = TerminateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = _call(lambda: services.agreement_terminate(actor=request.actor, agreement=obj,
                                                          **body.validated_data))
        return Response(AgreementSerializer(done).data)

    @extend_schema(request=PerformanceSerializer, responses={200: AgreementSerializer})
    @action(detail=True, methods=["post"], serializer_class=PerformanceSerializer)
    def performance(self, request, pk=None):
        """The prevention deputy approves (or not, with a note) the year's performance."""
        obj = self._supervised(request)
        body = PerformanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = _call(lambda: services.performance_decide(actor=request.actor, agreement=obj,
                                                         **body.validated_data))
        return Response(AgreementSerializer(done).data)

    @extend_schema(request=AdjustSerializer, responses={200: ScoreSerializer})
    @action(detail=True, methods=["post"], serializer_class=AdjustSerializer, url_path="adjust-allocation")
    def adjust_allocation(self, request, pk=None):
        """Set next year's allocation instead of the proposal, with the reason."""
        obj = self._supervised(request)
        body = AdjustSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _call(lambda: funding.allocation_adjust(actor=request.actor, agreement=obj, **body.validated_data))
        return Response(self._score(obj))

    @extend_schema(responses={200: ScoreSerializer})
    @action(detail=True, methods=["get"], serializer_class=ScoreSerializer)
    def score(self, request, pk=None):
        """The performance score with every part of it, the proposal and the allocation that counts."""
        return Response(self._score(self.get_object()))

    def _score(self, agreement):
        breakdown = funding.score_breakdown(agreement)
        return ScoreSerializer({
            "rows": breakdown.rows, "achievement_percent": breakdown.achievement_percent,
            "completion_percent": breakdown.completion_percent, "score": breakdown.score,
            "budget": breakdown.budget, "proposed_allocation": breakdown.proposed_allocation,
            "next_allocation": funding.next_allocation(agreement)}).data


# --- Activity reports ------------------------------------------------------------------------------------

class ActivityReportSerializer(serializers.ModelSerializer):
    agreement = serializers.IntegerField(source="commitment.agreement_id", read_only=True)

    class Meta:
        model = ActivityReport
        fields = ["id", "center", "agreement", "commitment", "reported_on", "achieved", "people_reached",
                  "description", "recorded_by", "recorded_at"]
        read_only_fields = ["center", "recorded_by", "recorded_at"]


class ActivityReportInputSerializer(serializers.Serializer):
    commitment = serializers.IntegerField(min_value=1, max_value=2**62)
    reported_on = serializers.DateField()
    achieved = serializers.IntegerField(min_value=1, max_value=10**9)
    people_reached = serializers.IntegerField(min_value=0, max_value=10**9, default=0)
    description = serializers.CharField(max_length=4000)


class ActivityReportFilter(CenterFilter):
    commitment = django_filters.NumberFilter(field_name="commitment_id")
    agreement = django_filters.NumberFilter(field_name="commitment__agreement_id")

    class Meta:
        model = ActivityReport
        fields: list[str] = []


class ActivityReportViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """What bases did towards their commitments; their manager, executive and social worker record it."""

    model = ActivityReport
    serializer_class = ActivityReportSerializer
    filterset_class = ActivityReportFilter
    metadata_class = None

    def tenant_queryset(self):
        return ActivityReport.objects.select_related("commitment").order_by("-reported_on", "-pk")

    @extend_schema(request=ActivityReportInputSerializer, responses={201: ActivityReportSerializer})
    def create(self, request, *args, **kwargs):
        body = ActivityReportInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        commitment = Commitment.objects.filter(
            pk=data["commitment"], center_id__in=sorted(request.actor.center_ids)).first()
        access.require(request.actor, access.Action.VIEW, commitment)
        report = _call(lambda: services.activity_report_record(
            actor=request.actor, commitment=commitment, reported_on=data["reported_on"],
            achieved=data["achieved"], people_reached=data["people_reached"], description=data["description"]))
        return Response(ActivityReportSerializer(report).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("ngos", NgoViewSet, basename="ngo")
    router.register("base-agreements", AgreementViewSet, basename="base-agreement")
    router.register("base-activity-reports", ActivityReportViewSet, basename="base-activity-report")
