"""API of report runs (``/api/v1/reports/runs/``): list and read the runs the caller may see, ask for one,
retry a failed one, download a finished one's PDF or workbook. The same access as the pages
(``reporting.runs``): a run the caller may not see is a 404, like one that does not exist.

Not a tenant endpoint (no ``center`` on every item): a run may cover a county, a province or the nation.
"""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from reporting import runs
from reporting.models import ReportRun
from reporting.views.runs import download


class ReportRunSerializer(serializers.ModelSerializer):
    scope = serializers.CharField(source="scope_key", read_only=True,
                                  help_text="center:5, county:40, province:12@2 (one organisation's), nation")
    has_pdf = serializers.SerializerMethodField()
    has_excel = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = ["id", "kind", "scope", "period", "status", "progress", "progress_message", "requested_by",
                  "requested_at", "started_at", "finished_at", "error", "retry_of", "has_pdf", "has_excel"]
        read_only_fields = fields

    def get_has_pdf(self, run) -> bool:
        return run.status == ReportRun.Status.SUCCEEDED and bool(run.file)

    def get_has_excel(self, run) -> bool:
        return run.status == ReportRun.Status.SUCCEEDED and bool(run.excel_file)


class ReportRunRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportRun.Kind.choices)
    scope = serializers.CharField(max_length=40, help_text="center:5, county:40, province:12@2, nation@1, nation")
    period = serializers.CharField(max_length=10, help_text="Jalali: 1404, 1404-Q2 or 1404-07")


class ReportRunFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ReportRun.Kind.choices)
    status = django_filters.ChoiceFilter(choices=ReportRun.Status.choices)
    period = django_filters.CharFilter()

    class Meta:
        model = ReportRun
        fields: list[str] = []


class ReportRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Report runs the caller may see: their centers' and their supervised regions'."""

    serializer_class = ReportRunSerializer
    filterset_class = ReportRunFilter
    metadata_class = None  # no OPTIONS description: the OpenAPI document at /api/schema/ is the description

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportRun.objects.none()
        return runs.visible_runs(self.request.actor).order_by("-requested_at", "-pk")

    def get_object(self):
        return runs.run_for(self.request.actor, self.kwargs["pk"])

    @extend_schema(request=ReportRunRequestSerializer, responses={201: ReportRunSerializer})
    def create(self, request, *args, **kwargs):
        """Asks for a report (or joins the same one already in the making)."""
        data = ReportRunRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = runs.run_request(request.actor, data.validated_data["kind"], data.validated_data["scope"],
                               data.validated_data["period"])
        return Response(ReportRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: ReportRunSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Asks again for a failed run's report: a new run pointing back at it."""
        run = runs.run_retry(request.actor, self.get_object())
        return Response(ReportRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return download(self.get_object(), "file")

    @extend_schema(responses={
        (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        return download(self.get_object(), "excel_file")


def register(router):
    router.register("reports/runs", ReportRunViewSet, basename="report-run")
