"""API of the board area: board change requests (with approve / reject), volunteers, appointment letters."""

import django_filters
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from centers import access
from centers.models import (
    BoardChangeRequest,
    BoardChangeStep,
    Center,
    Network,
    TrusteeAppointment,
    Volunteer,
)
from centers.services import board as services

from .tenancy import CenterFilter, TenantViewSetMixin


class StepSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True),
                                              required=False, allow_null=True)
    # The service checks it is a board role (a second enum of the same choices would confuse the schema).
    from_role = serializers.CharField(required=False, allow_null=True, write_only=True, max_length=32)
    target = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = BoardChangeStep
        fields = ["position", "kind", "role", "user", "from_role", "target"]
        read_only_fields = ["position", "target"]


class BoardChangeRequestSerializer(serializers.ModelSerializer):
    center = serializers.IntegerField(source="center_id")
    status = serializers.CharField(read_only=True, help_text=_("draft, submitted, approved, rejected or withdrawn"))
    steps = StepSerializer(many=True)

    class Meta:
        model = BoardChangeRequest
        fields = ["id", "center", "status", "reason", "requested_by", "created_at", "submitted_at",
                  "decided_by", "decided_at", "decision_note", "steps"]
        read_only_fields = ["status", "requested_by", "created_at", "submitted_at", "decided_by", "decided_at",
                            "decision_note"]


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class BoardChangeRequestFilter(CenterFilter):
    status = django_filters.CharFilter(help_text=_("draft, submitted, approved, rejected or withdrawn"))

    class Meta:
        model = BoardChangeRequest
        fields: list[str] = []


class BoardChangeRequestViewSet(TenantViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Board change requests at the caller's centers; supervisors approve or reject them."""

    model = BoardChangeRequest
    serializer_class = BoardChangeRequestSerializer
    filterset_class = BoardChangeRequestFilter

    def tenant_queryset(self):
        return BoardChangeRequest.objects.prefetch_related("steps").order_by("-created_at")

    def perform_create(self, serializer):
        data = serializer.validated_data
        center = Center.objects.filter(pk=data["center_id"]).first()
        access.require(self.request.actor, access.Action.VIEW, center)
        steps = [services.StepSpec(kind=s["kind"], role=s["role"], user=s.get("user"),
                                   from_role=s.get("from_role")) for s in data["steps"]]
        serializer.instance = services.board_change_request_create(
            actor=self.request.actor, center=center, reason=data["reason"], steps=steps)

    @extend_schema(request=DecisionSerializer, responses=BoardChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        change = services.board_change_request_approve(actor=request.actor, change=self.get_object(),
                                                       note=decision.validated_data["note"])
        return Response(self.get_serializer(change).data)

    @extend_schema(request=DecisionSerializer, responses=BoardChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        change = services.board_change_request_reject(actor=request.actor, change=self.get_object(),
                                                      reason=decision.validated_data["note"])
        return Response(self.get_serializer(change).data)


class VolunteerSerializer(serializers.ModelSerializer):
    center = serializers.IntegerField(source="center_id")
    networks = serializers.ListField(child=serializers.ChoiceField(choices=Network.choices), required=False)

    class Meta:
        model = Volunteer
        fields = ["id", "center", "name", "gender", "mobile", "skills", "networks", "since", "active"]


class VolunteerFilter(CenterFilter):
    active = django_filters.BooleanFilter()

    class Meta:
        model = Volunteer
        fields: list[str] = []


class VolunteerViewSet(TenantViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                       viewsets.ReadOnlyModelViewSet):
    """Honorary volunteers of the centers where the caller manages volunteers."""

    model = Volunteer
    serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilter

    def tenant_queryset(self):
        actor = self.request.actor
        manageable = [cid for cid in actor.center_ids
                      if cid in actor.supervised_center_ids
                      or any(access.Action.MANAGE_VOLUNTEERS in access.ROLE_ACTIONS.get(r, ())
                             for r in actor.roles_at(cid))]
        return Volunteer.objects.filter(center_id__in=manageable).order_by("center_id", "name")

    def _center(self, center_id):
        center = Center.objects.filter(pk=center_id).first()
        access.require(self.request.actor, access.Action.VIEW, center)
        return center

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        center = self._center(data.pop("center_id"))
        serializer.instance = services.volunteer_save(actor=self.request.actor, center=center, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("center_id", None)
        volunteer = serializer.instance
        serializer.instance = services.volunteer_save(actor=self.request.actor, center=volunteer.center,
                                                      volunteer=volunteer, data=data)


class LetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrusteeAppointment
        fields = ["id", "center", "role", "user", "letter_number", "starts_on"]


class AppointmentLetterViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Appointment letters: the caller's own, or every one at the centers they supervise; ``pdf`` downloads."""

    model = TrusteeAppointment
    serializer_class = LetterSerializer

    def tenant_queryset(self):
        actor = self.request.actor
        from django.db.models import Q

        return TrusteeAppointment.objects.filter(
            Q(user=actor.user) | Q(center_id__in=sorted(actor.supervised_center_ids))
        ).order_by("center_id", "role")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        filename, content_type, content = services.appointment_letter_issue(actor=request.actor,
                                                                            appointment=self.get_object())
        response = HttpResponse(content, content_type=content_type, status=status.HTTP_200_OK)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def register(router):
    """Puts this area's viewsets on the API router."""
    router.register("board-change-requests", BoardChangeRequestViewSet, basename="board-change-request")
    router.register("volunteers", VolunteerViewSet, basename="volunteer")
    router.register("appointment-letters", AppointmentLetterViewSet, basename="appointment-letter")
