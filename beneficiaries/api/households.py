"""API of the beneficiaries area: households (list, retrieve, register) and needs assessments (list,
retrieve, record). Identifiers appear masked only; there is no API to show one in full (that is a logged
page action). Only the centers where the caller may see households are listed: a donor-relations officer's
token sees none. Writes go through the services, which ask the access module."""

from types import SimpleNamespace

import django_filters
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from beneficiaries import rls, services
from beneficiaries.models import Assessment, Household, Member
from centers import access
from centers.api.tenancy import CenterFilter, TenantViewSetMixin
from centers.models import Center, County
from core.api import NormalisedCharField
from core.validators import normalize_mobile, normalize_national_code


def _call(fn):
    try:
        return fn()
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None


class MemberSerializer(serializers.ModelSerializer):
    national_code_masked = serializers.CharField(source="masked_national_code", read_only=True)

    class Meta:
        model = Member
        fields = ["id", "center", "relation", "first_name", "last_name", "national_code_masked", "gender",
                  "birth_date", "education", "work_status", "has_disability", "has_chronic_illness",
                  "health_notes", "is_orphan"]


class HouseholdSerializer(serializers.ModelSerializer):
    head = MemberSerializer(read_only=True, allow_null=True)
    members = MemberSerializer(many=True, read_only=True)
    mobile_masked = serializers.CharField(source="masked_mobile", read_only=True)
    supporting_organizations = serializers.ListField(
        child=serializers.ChoiceField(choices=Household.Supporter.choices), read_only=True)

    class Meta:
        model = Household
        fields = ["id", "center", "head", "members", "address", "county", "village", "area", "housing",
                  "monthly_income", "insurance", "supporting_organizations", "mobile_masked", "consent_on",
                  "status", "closed_on", "priority_score", "priority_parts", "next_reassessment_on", "created_at"]


class PersonInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=64)
    last_name = serializers.CharField(max_length=64)
    national_code = NormalisedCharField(normalise=normalize_national_code, max_length=20, required=False,
                                        allow_blank=True, default="")
    relation = serializers.ChoiceField(choices=[c for c in Member.Relation.choices if c[0] != "head"],
                                       default=Member.Relation.CHILD)
    gender = serializers.ChoiceField(choices=Member.Gender.choices)
    birth_date = serializers.DateField()
    education = serializers.ChoiceField(choices=Member.Education.choices, default=Member.Education.NONE)
    work_status = serializers.ChoiceField(choices=Member.Work.choices, default=Member.Work.UNEMPLOYED)
    has_disability = serializers.BooleanField(default=False)
    has_chronic_illness = serializers.BooleanField(default=False)
    health_notes = serializers.CharField(max_length=2000, allow_blank=True, default="")
    is_orphan = serializers.BooleanField(default=False)


class HeadInputSerializer(PersonInputSerializer):
    national_code = NormalisedCharField(normalise=normalize_national_code, max_length=20)
    relation = None


class HouseholdRegisterSerializer(serializers.Serializer):
    """What registering a household takes; the answer is the registered household (codes masked)."""

    center = serializers.IntegerField()
    head = HeadInputSerializer()
    members = PersonInputSerializer(many=True, required=False, default=list)
    address = serializers.CharField(max_length=2000)
    county = serializers.IntegerField()
    village = serializers.CharField(max_length=120, allow_blank=True, default="")
    area = serializers.ChoiceField(choices=Household.Area.choices, default=Household.Area.URBAN)
    housing = serializers.ChoiceField(choices=Household.Housing.choices)
    monthly_income = serializers.IntegerField(min_value=0, max_value=services.MAX_INCOME, default=0,
                                              help_text=_("In rials"))
    insurance = serializers.ChoiceField(choices=Household.Insurance.choices, default=Household.Insurance.NONE)
    supporting_organizations = serializers.ListField(child=serializers.ChoiceField(
        choices=Household.Supporter.choices), required=False, default=list, max_length=10)
    mobile = NormalisedCharField(normalise=normalize_mobile, max_length=20, required=False, allow_blank=True,
                                 default="")
    consent_on = serializers.DateField(help_text=_("When the household consented to being registered"))


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = ["id", "center", "household", "category", "severity", "evidence", "assessed_on", "next_due_on",
                  "is_current", "assessed_by", "created_at"]


class AssessmentRecordSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Assessment.Category.choices)
    severity = serializers.IntegerField(min_value=1, max_value=5)
    evidence = serializers.CharField(max_length=5000)
    assessed_on = serializers.DateField()
    next_due_on = serializers.DateField(required=False, allow_null=True, default=None)


class HouseholdFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=Household.Status.choices)
    area = django_filters.ChoiceFilter(choices=Household.Area.choices)

    class Meta:
        model = Household
        fields: list[str] = []


class AssessmentFilter(CenterFilter):
    household = django_filters.NumberFilter(field_name="household_id")
    category = django_filters.ChoiceFilter(choices=Assessment.Category.choices)
    is_current = django_filters.BooleanFilter()

    class Meta:
        model = Assessment
        fields: list[str] = []


class _BeneficiaryViewSetMixin(TenantViewSetMixin):
    """Narrows to the centers where the caller may see households (not merely the center), and sets the
    row-level-security setting to exactly those."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model._base_manager.none()
        actor = self.request.actor
        allowed = sorted(c for c in actor.center_ids
                         if access.may(actor, access.Action.VIEW_BENEFICIARIES, SimpleNamespace(center_id=c)))
        rls.apply(connection, allowed)
        return self.tenant_queryset().filter(center__in=allowed)


class HouseholdViewSet(_BeneficiaryViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Households of the caller's centers, highest priority first; identifiers masked."""

    model = Household
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    ordering_fields = ["priority_score", "next_reassessment_on", "created_at"]

    @extend_schema(request=HouseholdRegisterSerializer, responses={201: HouseholdSerializer})
    def create(self, request, *args, **kwargs):
        body = HouseholdRegisterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        center = Center.objects.filter(pk=data["center"]).first()
        access.require(request.actor, access.Action.VIEW, center)
        county = County.objects.filter(pk=data["county"]).first()
        household = _call(lambda: services.household_register(
            actor=request.actor, center=center, head=services.MemberInput(**data["head"]),
            members=[services.MemberInput(**m) for m in data["members"]], address=data["address"],
            county=county, village=data["village"], area=data["area"], housing=data["housing"],
            monthly_income=data["monthly_income"], insurance=data["insurance"],
            supporting_organizations=data["supporting_organizations"], mobile=data["mobile"],
            consent_on=data["consent_on"]))
        household = self.get_queryset().get(pk=household.pk)
        return Response(HouseholdSerializer(household).data, status=status.HTTP_201_CREATED)

    def tenant_queryset(self):
        members = Member.objects.order_by("birth_date", "pk")
        return (Household.objects.select_related("head")
                .prefetch_related(Prefetch("members", queryset=members))
                .order_by("-priority_score", "pk"))


class AssessmentViewSet(_BeneficiaryViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Needs assessments of the caller's households; recording one recomputes the household's priority."""

    model = Assessment
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    @extend_schema(request=AssessmentRecordSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        body = AssessmentRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        household = Household.objects.filter(pk=data["household"]).first()
        access.require(request.actor, access.Action.VIEW_BENEFICIARIES, household)
        assessment = _call(lambda: services.assessment_record(
            actor=request.actor, household=household, category=data["category"], severity=data["severity"],
            evidence=data["evidence"], assessed_on=data["assessed_on"], next_due_on=data["next_due_on"]))
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    def tenant_queryset(self):
        return Assessment.objects.order_by("-assessed_on", "-pk")


def register(router):
    router.register("households", HouseholdViewSet, basename="household")
    router.register("assessments", AssessmentViewSet, basename="assessment")
