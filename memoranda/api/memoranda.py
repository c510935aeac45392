"""Memoranda and their commitments, read-only, narrowed to the caller's region like the admin: a trustee's
or donor's token lists nothing, another province's memorandum is a 404. Not tenant endpoints (no ``center``):
a memorandum belongs to a province or the nation."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from memoranda import selectors
from memoranda.models import CalendarEvent, Commitment, Memorandum, MonitoringRecord, Party


class PartySerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Party
        fields = ["id", "organization", "name", "label", "signatory", "monitors"]


class MemorandumCommitmentSerializer(serializers.ModelSerializer):
    current_status = serializers.SerializerMethodField(
        help_text="pending, in_progress, done, or overdue (not done and past its due date)")

    class Meta:
        model = Commitment
        fields = ["id", "memorandum", "owner", "description", "due_on", "status", "current_status", "done_on",
                  "note"]

    @extend_schema_field(serializers.ChoiceField(choices=[*Commitment.Status.values, Commitment.OVERDUE]))
    def get_current_status(self, obj) -> str:
        return obj.current_status(timezone.localdate())


class CalendarEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarEvent
        fields = ["id", "kind", "title", "starts_on", "ends_on", "lead", "description"]


class MonitoringRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringRecord
        fields = ["id", "party", "kind", "recorded_on", "commitment", "findings"]


class MemorandumSerializer(serializers.ModelSerializer):
    parties = PartySerializer(many=True, read_only=True)
    commitments = MemorandumCommitmentSerializer(many=True, read_only=True)
    calendar = CalendarEventSerializer(many=True, read_only=True)
    monitoring = MonitoringRecordSerializer(many=True, read_only=True)

    class Meta:
        model = Memorandum
        fields = ["id", "province", "subject", "number", "signed_on", "valid_from", "valid_until", "summary",
                  "coordination", "parties", "commitments", "calendar", "monitoring"]


class MemorandumFilter(django_filters.FilterSet):
    province = django_filters.NumberFilter(field_name="province_id")

    class Meta:
        model = Memorandum
        fields: list[str] = []




class CommitmentFilter(django_filters.FilterSet):
    memorandum = django_filters.NumberFilter(field_name="memorandum_id")
    status = django_filters.ChoiceFilter(choices=Commitment.Status.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text="Not done and past the due date")

    class Meta:
        model = Commitment
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        late = queryset.exclude(status=Commitment.Status.DONE).filter(due_on__lt=today)
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class MemorandumViewSet(viewsets.ReadOnlyModelViewSet):
    """Memoranda between agencies in the caller's region (supervisors only; others see none)."""

    serializer_class = MemorandumSerializer
    filterset_class = MemorandumFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Memorandum.objects.none()
        return (selectors.memoranda_for(self.request.actor)
                .prefetch_related("parties", "commitments", "calendar", "monitoring").order_by("-signed_on", "-pk"))


class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Commitments of the memoranda in the caller's region; ``?overdue=true`` for the late ones."""

    serializer_class = MemorandumCommitmentSerializer
    filterset_class = CommitmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Commitment.objects.none()
        visible = selectors.memoranda_for(self.request.actor).values("pk")
        return Commitment.objects.filter(memorandum__in=visible).order_by("due_on", "pk")


def register(router):
    router.register("memoranda", MemorandumViewSet, basename="memorandum")
    router.register("memorandum-commitments", CommitmentViewSet, basename="memorandum-commitment")
