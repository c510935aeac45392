"""API of the supervision area: meetings and decisions, archived documents (metadata only; files through the
pages, which check access), destruction requests with their decisions, inspections and complaints (staff
side). Writes go through the services, which ask the access module."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from centers import access
from centers.models import (
    ArchivedDocument,
    Center,
    Complaint,
    Decision,
    DocumentDestructionRequest,
    FollowUpAction,
    Inspection,
    Meeting,
)
from centers.models.supervision import CHECKLIST_CODES, Answer
from centers.services import supervision as services

from .tenancy import CenterFilter, TenantViewSetMixin


def _call(fn):
    try:
        return fn()
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None


class DecisionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "center", "meeting", "reference", "number", "text", "amount"]


class MeetingSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "center", "reference", "jalali_year", "number", "held_on", "place", "kind", "minutes",
                  "attendees", "guests", "decisions", "created_at"]


class DecisionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    amount = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10**15,
                                      help_text=_("In rials"))


class MeetingRecordSerializer(serializers.Serializer):
    """What recording a meeting takes; the answer is the recorded meeting."""

    center = serializers.IntegerField()
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    minutes = serializers.CharField(max_length=20000)
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                      help_text=_("Ids of the center's board appointments present"))
    guests = serializers.CharField(max_length=500, allow_blank=True, default="")
    decisions = DecisionInputSerializer(many=True, required=False, default=list)


class DocumentSerializer(serializers.ModelSerializer):
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = ArchivedDocument
        fields = ["id", "center", "kind", "title", "document_date", "retention_note", "uploaded_at", "has_file",
                  "destroyed_at", "destroyed_by", "destruction_reason"]

    def get_has_file(self, obj) -> bool:
        return bool(obj.file)


class DestructionRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentDestructionRequest
        fields = ["id", "center", "document", "requested_by", "requested_at", "reason", "status", "decided_by",
                  "decided_at", "note"]
        read_only_fields = ["center", "requested_by", "requested_at", "status", "decided_by", "decided_at", "note"]


class DecideSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpAction
        fields = ["id", "center", "inspection", "text", "due_on", "status", "done_note", "done_at"]
        read_only_fields = ["center", "inspection", "status", "done_note", "done_at"]


class InspectionSerializer(serializers.ModelSerializer):
    follow_ups = FollowUpSerializer(many=True, required=False)
    answers = serializers.DictField(child=serializers.ChoiceField(choices=Answer.choices))

    class Meta:
        model = Inspection
        fields = ["id", "center", "inspector", "inspected_on", "answers", "findings", "score", "follow_ups",
                  "created_at"]
        read_only_fields = ["center", "inspector", "score", "created_at"]  # the center is checked in the view

    def validate_answers(self, value):
        unknown = set(value) - CHECKLIST_CODES
        if unknown:
            raise serializers.ValidationError(sorted(unknown))
        return value


class ComplaintSerializer(serializers.ModelSerializer):
    """The staff view of a complaint. The complainant's name and mobile are for supervisors only."""

    class Meta:
        model = Complaint
        fields = ["id", "center", "tracking_code", "complainant_kind", "complainant_name", "complainant_mobile",
                  "text", "level", "status", "deadline", "overdue_flagged_at", "created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        actor = self.context["request"].actor
        if not access.may(actor, access.Action.SUPERVISE, instance):
            for private in ("complainant_name", "complainant_mobile", "tracking_code"):
                data.pop(private)
        return data


class ComplaintAnswerSerializer(serializers.Serializer):
    text = serializers.CharField()
    public = serializers.BooleanField(default=True)


class MeetingFilter(CenterFilter):
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices)
    jalali_year = django_filters.NumberFilter()

    class Meta:
        model = Meeting
        fields: list[str] = []


class DecisionFilter(CenterFilter):
    meeting = django_filters.NumberFilter(field_name="meeting_id")

    class Meta:
        model = Decision
        fields: list[str] = []


class DocumentFilter(CenterFilter):
    kind = django_filters.ChoiceFilter(choices=ArchivedDocument.Kind.choices)
    destroyed = django_filters.BooleanFilter(field_name="destroyed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = ArchivedDocument
        fields: list[str] = []


class DestructionRequestFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=DocumentDestructionRequest.Status.choices)

    class Meta:
        model = DocumentDestructionRequest
        fields: list[str] = []


class InspectionFilter(CenterFilter):
    class Meta:
        model = Inspection
        fields: list[str] = []


class FollowUpFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=FollowUpAction.Status.choices)
    inspection = django_filters.NumberFilter(field_name="inspection_id")

    class Meta:
        model = FollowUpAction
        fields: list[str] = []


class ComplaintFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=Complaint.Status.choices)
    level = django_filters.ChoiceFilter(choices=Complaint.Level.choices)

    class Meta:
        model = Complaint
        fields: list[str] = []


class MeetingViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Board meetings with their decisions; board members who keep the minutes may record one."""

    model = Meeting
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    @extend_schema(request=MeetingRecordSerializer, responses={201: MeetingSerializer})
    def create(self, request, *args, **kwargs):
        body = MeetingRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        center = Center.objects.filter(pk=data["center"]).first()
        access.require(request.actor, access.Action.VIEW, center)
        meeting = _call(lambda: services.meeting_record(
            actor=request.actor, center=center, held_on=data["held_on"], place=data["place"], kind=data["kind"],
            minutes=data["minutes"], attendee_ids=data["attendees"], guests=data["guests"],
            decisions=[services.DecisionInput(text=d["text"], amount=d.get("amount")) for d in data["decisions"]],
        ))
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    def tenant_queryset(self):
        return Meeting.objects.prefetch_related("decisions__meeting", "attendees").order_by("-held_on", "-number")


class DecisionViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Decisions of board meetings, each with its stable reference (e.g. 1405/03-2)."""

    model = Decision
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter

    def tenant_queryset(self):
        return Decision.objects.select_related("meeting").order_by("meeting_id", "number")


class DocumentViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Archived documents' metadata; the file is downloaded from the center's documents page."""

    model = ArchivedDocument
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter

    def tenant_queryset(self):
        return ArchivedDocument.objects.order_by("-document_date", "-pk")


class DestructionRequestViewSet(TenantViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Requests to destroy archived documents; a supervisor approves or rejects them."""

    model = DocumentDestructionRequest
    serializer_class = DestructionRequestSerializer
    filterset_class = DestructionRequestFilter

    def tenant_queryset(self):
        return DocumentDestructionRequest.objects.order_by("-requested_at")

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if getattr(self, "swagger_fake_view", False):  # schema generation: no actor, only the shape matters
            return serializer
        if "document" in getattr(serializer, "fields", {}):
            serializer.fields["document"].queryset = ArchivedDocument.objects.filter(
                center_id__in=sorted(self.request.actor.center_ids))
        return serializer

    def perform_create(self, serializer):
        document = serializer.validated_data["document"]
        serializer.instance = _call(lambda: services.document_destruction_request(
            actor=self.request.actor, document=document, reason=serializer.validated_data["reason"]))

    def _decide(self, request, decide):
        obj = self.get_object()
        access.require(request.actor, access.Action.SUPERVISE, obj)
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = _call(lambda: decide(actor=request.actor, request=obj, note=body.validated_data["note"]))
        return Response(DestructionRequestSerializer(decided).data)

    @action(detail=True, methods=["post"], serializer_class=DecideSerializer)
    def approve(self, request, pk=None):
        """Approve: the file's content is deleted and the record of its destruction kept."""
        return self._decide(request, services.destruction_request_approve)

    @action(detail=True, methods=["post"], serializer_class=DecideSerializer)
    def reject(self, request, pk=None):
        """Reject (a note is required): the document stays in the archive."""
        return self._decide(request, services.destruction_request_reject)


class InspectionViewSet(TenantViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Field inspections; supervisors over the center record them, the board reads them."""

    model = Inspection
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def tenant_queryset(self):
        return Inspection.objects.prefetch_related("follow_ups").order_by("-inspected_on", "-pk")

    def create(self, request, *args, **kwargs):
        # A center that is not the caller's at all is a 404, like any foreign object.
        if not hasattr(request.data, "get"):
            raise ApiValidationError({"detail": [_("Send an object.")]})
        center_id = str(request.data.get("center", ""))
        valid_id = center_id.isascii() and center_id.isdigit() and len(center_id) < 16
        center = Center.objects.filter(pk=int(center_id)).first() if valid_id else None
        access.require(request.actor, access.Action.SUPERVISE, center)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        inspection = _call(lambda: services.inspection_record(
            actor=request.actor, center=center, inspected_on=data["inspected_on"], answers=data["answers"],
            findings=data.get("findings", ""),
            follow_ups=[services.FollowUpInput(text=f["text"], due_on=f["due_on"])
                        for f in data.get("follow_ups", [])]))
        return Response(self.get_serializer(inspection).data, status=status.HTTP_201_CREATED)


class FollowUpViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Follow-up actions set by inspections; the board marks them done with a note."""

    model = FollowUpAction
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter

    def tenant_queryset(self):
        return FollowUpAction.objects.order_by("due_on", "pk")

    @action(detail=True, methods=["post"], serializer_class=DecideSerializer)
    def done(self, request, pk=None):
        obj = self.get_object()
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = _call(lambda: services.follow_up_mark_done(actor=request.actor, follow_up=obj,
                                                          note=body.validated_data["note"]))
        return Response(FollowUpSerializer(done).data)


class ComplaintViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Complaints about the caller's centers (staff side); supervisors answer or resolve at their level."""

    model = Complaint
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter

    def tenant_queryset(self):
        return Complaint.objects.select_related("center__county").order_by("deadline")

    def _answer(self, request, answer):
        obj = self.get_object()
        access.require(request.actor, access.Action.SUPERVISE, obj)
        body = ComplaintAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = _call(lambda: answer(obj, body.validated_data))
        return Response(ComplaintSerializer(done, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"], serializer_class=ComplaintAnswerSerializer)
    def respond(self, request, pk=None):
        """Answer at the complaint's current level (public answers stop its clock)."""
        return self._answer(request, lambda c, d: services.complaint_respond(
            actor=request.actor, complaint=c, text=d["text"], public=d["public"]))

    @action(detail=True, methods=["post"], serializer_class=ComplaintAnswerSerializer)
    def resolve(self, request, pk=None):
        """Close the complaint with a public statement of how it was settled."""
        return self._answer(request, lambda c, d: services.complaint_resolve(
            actor=request.actor, complaint=c, text=d["text"]))


def register(router):
    """Puts this area's viewsets on the API router."""
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("decisions", DecisionViewSet, basename="decision")
    router.register("documents", DocumentViewSet, basename="document")
    router.register("destruction-requests", DestructionRequestViewSet, basename="destruction-request")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
    router.register("complaints", ComplaintViewSet, basename="complaint")
