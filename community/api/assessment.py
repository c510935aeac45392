"""Needs assessments (with problems and informants) and local assets."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from centers.api.tenancy import CenterFilter, TenantViewSetMixin
from community import services
from community.models import Informant, LocalAsset, LocalProblem, NeedsAssessment, ProblemCategory

from .common import call, center_for, center_id_field


class ProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalProblem
        fields = ["id", "problem", "category", "priority_rank", "notes"]


class InformantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Informant
        fields = ["id", "name", "role"]


class NeedsAssessmentSerializer(serializers.ModelSerializer):
    problems = ProblemSerializer(many=True, read_only=True)
    informants = InformantSerializer(many=True, read_only=True)

    class Meta:
        model = NeedsAssessment
        fields = ["id", "center", "title", "neighbourhood", "assessed_on", "method", "summary", "problems",
                  "informants", "created_at"]


class ProblemInputSerializer(serializers.Serializer):
    problem = serializers.CharField(max_length=300)
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    priority_rank = serializers.IntegerField(min_value=1, max_value=99)
    notes = serializers.CharField(max_length=2000, allow_blank=True, default="")


class InformantInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    role = serializers.CharField(max_length=120)


class NeedsAssessmentRecordSerializer(serializers.Serializer):
    center = center_id_field()
    title = serializers.CharField(max_length=200)
    neighbourhood = serializers.CharField(max_length=200)
    assessed_on = serializers.DateField()
    method = serializers.CharField(max_length=5000, allow_blank=True, default="")
    summary = serializers.CharField(max_length=5000, allow_blank=True, default="")
    problems = ProblemInputSerializer(many=True, max_length=50)
    informants = InformantInputSerializer(many=True, max_length=50)


class LocalAssetSerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalAsset
        fields = ["id", "center", "kind", "name", "description", "contact", "recorded_on", "active"]
        read_only_fields = ["active"]


class LocalAssetRecordSerializer(serializers.Serializer):
    center = center_id_field()
    kind = serializers.ChoiceField(choices=LocalAsset.Kind.choices)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, allow_blank=True, default="")
    contact = serializers.CharField(max_length=200, allow_blank=True, default="")
    recorded_on = serializers.DateField(required=False, allow_null=True, default=None)


class AssetFilter(CenterFilter):
    kind = django_filters.ChoiceFilter(choices=LocalAsset.Kind.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = LocalAsset
        fields: list[str] = []


class NeedsAssessmentViewSet(TenantViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Needs assessments of the neighbourhood with their prioritised problems and the informants consulted."""

    model = NeedsAssessment
    serializer_class = NeedsAssessmentSerializer
    filterset_class = CenterFilter

    def tenant_queryset(self):
        return NeedsAssessment.objects.prefetch_related("problems", "informants").order_by("-assessed_on", "-pk")

    @extend_schema(request=NeedsAssessmentRecordSerializer, responses={201: NeedsAssessmentSerializer})
    def create(self, request, *args, **kwargs):
        body = NeedsAssessmentRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        center = center_for(request, data["center"])
        assessment = call(lambda: services.needs_assessment_record(
            actor=request.actor, center=center, title=data["title"], neighbourhood=data["neighbourhood"],
            assessed_on=data["assessed_on"], method=data["method"], summary=data["summary"],
            problems=[services.ProblemInput(**p) for p in data["problems"]],
            informants=[services.InformantInput(**i) for i in data["informants"]]))
        return Response(NeedsAssessmentSerializer(self.tenant_queryset().get(pk=assessment.pk)).data,
                        status=status.HTTP_201_CREATED)


class LocalAssetViewSet(TenantViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The register of local assets and capacities: people, places, organisations, funds."""

    model = LocalAsset
    serializer_class = LocalAssetSerializer
    filterset_class = AssetFilter

    def tenant_queryset(self):
        return LocalAsset.objects.order_by("kind", "name", "pk")

    @extend_schema(request=LocalAssetRecordSerializer, responses={201: LocalAssetSerializer})
    def create(self, request, *args, **kwargs):
        body = LocalAssetRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        center = center_for(request, data.pop("center"))
        asset = call(lambda: services.asset_record(actor=request.actor, center=center, **data))
        return Response(LocalAssetSerializer(asset).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("community/needs-assessments", NeedsAssessmentViewSet, basename="community-needs-assessment")
    router.register("community/assets", LocalAssetViewSet, basename="community-asset")
