"""API of the social-work area: case notes (list, retrieve, write) and referrals (list, retrieve, make, record
a status change). Only the centers where the caller may see case notes are listed: a finance officer's or an
aid officer's token sees none, though it sees the households. Writes go through the services."""

from types import SimpleNamespace

import django_filters
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from beneficiaries import rls, services
from beneficiaries.models import CaseNote, Household, Referral, ReferralStatusChange
from beneficiaries.services.socialwork import MAX_TEXT
from centers import access
from centers.api.tenancy import CenterFilter, TenantViewSetMixin

MAX_ID = 2**63 - 1


def _call(fn):
    try:
        return fn()
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None


class CaseNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseNote
        fields = ["id", "center", "household", "kind", "noted_on", "text", "follow_up_on", "corrects", "author",
                  "created_at"]


class CaseNoteWriteSerializer(serializers.Serializer):
    household = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=CaseNote.Kind.choices)
    noted_on = serializers.DateField()
    text = serializers.CharField(max_length=MAX_TEXT)
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)
    corrects = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None,
                                        help_text=_("The earlier note of the same household this one corrects"))


class ReferralStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralStatusChange
        fields = ["from_status", "to_status", "changed_on", "note", "changed_by"]


class ReferralSerializer(serializers.ModelSerializer):
    changes = ReferralStatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "center", "household", "body", "body_name", "reason", "referred_on", "status",
                  "status_changed_on", "outcome", "created_by", "created_at", "changes"]


class ReferralMakeSerializer(serializers.Serializer):
    household = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    body = serializers.ChoiceField(choices=Referral.Body.choices)
    body_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=MAX_TEXT)
    referred_on = serializers.DateField()


class ReferralStatusSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Referral.Status.choices)
    changed_on = serializers.DateField()
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    outcome = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="",
                                    help_text=_("Required when the referral is done or declined"))


class CaseNoteFilter(CenterFilter):
    household = django_filters.NumberFilter(field_name="household_id")
    kind = django_filters.ChoiceFilter(choices=CaseNote.Kind.choices)

    class Meta:
        model = CaseNote
        fields: list[str] = []


class ReferralFilter(CenterFilter):
    household = django_filters.NumberFilter(field_name="household_id")
    body = django_filters.ChoiceFilter(choices=Referral.Body.choices)
    status = django_filters.ChoiceFilter(choices=Referral.Status.choices)

    class Meta:
        model = Referral
        fields: list[str] = []


class _SocialWorkViewSetMixin(TenantViewSetMixin):
    """Narrows to the centers where the caller may see case notes, and sets the row-level-security setting to
    exactly those; an object elsewhere is a 404."""

    def allowed_center_ids(self) -> list[int]:
        actor = self.request.actor
        return sorted(c for c in actor.center_ids
                      if access.may(actor, access.Action.VIEW_CASE_NOTES, SimpleNamespace(center_id=c)))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model._base_manager.none()
        allowed = self.allowed_center_ids()
        rls.apply(connection, allowed)
        return self.tenant_queryset().filter(center__in=allowed)

    def household(self, pk: int) -> Household:
        """The household to write on, among the caller's social-work centers (404 otherwise; 403 when the
        role may read but not write)."""
        allowed = self.allowed_center_ids()
        rls.apply(connection, allowed)
        household = Household.objects.filter(pk=pk, center__in=allowed).select_related("center").first()
        access.require(self.request.actor, access.Action.VIEW_CASE_NOTES, household)
        access.require(self.request.actor, access.Action.WRITE_CASE_NOTES, household)
        return household


class CaseNoteViewSet(_SocialWorkViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Confidential case notes of the caller's households, latest first. Notes are not changed through the
    API; a correction is a new note with ``corrects``."""

    model = CaseNote
    serializer_class = CaseNoteSerializer
    filterset_class = CaseNoteFilter

    @extend_schema(request=CaseNoteWriteSerializer, responses={201: CaseNoteSerializer})
    def create(self, request, *args, **kwargs):
        body = CaseNoteWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        household = self.household(data["household"])
        corrects = None
        if data["corrects"] is not None:
            corrects = CaseNote.objects.filter(center_id=household.center_id, household=household,
                                               pk=data["corrects"]).first()
            if corrects is None:
                raise ApiValidationError({"corrects": [_("A correction refers to a note of the same household.")]})
        note = _call(lambda: services.case_note_write(
            actor=request.actor, household=household, kind=data["kind"], noted_on=data["noted_on"],
            text=data["text"], follow_up_on=data["follow_up_on"], corrects=corrects))
        return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    def tenant_queryset(self):
        return CaseNote.objects.order_by("-noted_on", "-pk")


class ReferralViewSet(_SocialWorkViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Referrals of the caller's households to other bodies, with their dated status changes."""

    model = Referral
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter

    @extend_schema(request=ReferralMakeSerializer, responses={201: ReferralSerializer})
    def create(self, request, *args, **kwargs):
        body = ReferralMakeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        household = self.household(data["household"])
        referral = _call(lambda: services.referral_make(
            actor=request.actor, household=household, body=data["body"], body_name=data["body_name"],
            reason=data["reason"], referred_on=data["referred_on"]))
        return Response(ReferralSerializer(self.get_queryset().get(pk=referral.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ReferralStatusSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """Records the body's answer: a dated change of status (the outcome is required for done or declined)."""
        referral = self.get_object()
        access.require(request.actor, access.Action.WRITE_CASE_NOTES, referral)
        body = ReferralStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _call(lambda: services.referral_status_change(
            actor=request.actor, referral=referral, to_status=data["to_status"], changed_on=data["changed_on"],
            note=data["note"], outcome=data["outcome"]))
        return Response(ReferralSerializer(self.get_queryset().get(pk=referral.pk)).data)

    def tenant_queryset(self):
        return Referral.objects.prefetch_related("changes").order_by("-referred_on", "-pk")


def register(router):
    router.register("case-notes", CaseNoteViewSet, basename="case-note")
    router.register("referrals", ReferralViewSet, basename="referral")
