"""API endpoints of the donors app: the donors the caller's centers know, registering and editing them, and
merging a duplicate. Writes go through ``donors.services``.

A donor belongs to an organisation, not to one center; the API lists the donors linked to the caller's
centers, once each, and gives each the first of the caller's centers it is linked to as ``center`` (every
tenant object carries one). A donor linked to none of them is a 404, like one that does not exist.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from centers import access
from centers.models import Center
from donors import services
from donors.models import Donor, DonorLink, DonorMerge


def _call(fn):
    try:
        return fn()
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None


class DonorSerializer(serializers.ModelSerializer):
    center = serializers.IntegerField(read_only=True, source="link_center",
                                      help_text=_("The first of your centers this donor is linked to."))
    display_name = serializers.CharField(read_only=True)
    consent = serializers.BooleanField(write_only=True, required=False, allow_null=True,
                                       help_text=_("True records consent now; false withdraws it."))

    # Identifiers arrive in any digits and with separators; the service validates and normalises them.
    national_code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    legal_entity_id = serializers.CharField(max_length=32, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=32, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=32, required=False, allow_blank=True)

    class Meta:
        model = Donor
        fields = ["id", "center", "organization", "kind", "display_name", "first_name", "last_name", "legal_name",
                  "national_code", "legal_entity_id", "mobile", "email", "address", "postal_code",
                  "contact_by_sms", "contact_by_email", "contact_by_post", "consent", "consent_at",
                  "name_on_receipt", "merged_into", "created_at"]
        read_only_fields = ["organization", "consent_at", "merged_into", "created_at"]

    def get_validators(self):
        return []  # uniqueness is the service's to decide (it links an existing donor instead of failing)


class DonorCreateSerializer(DonorSerializer):
    register_at = serializers.IntegerField(write_only=True, min_value=1, max_value=2**31 - 1,
                                           help_text=_("The center that registers the donor."))

    class Meta(DonorSerializer.Meta):
        fields = [*DonorSerializer.Meta.fields, "register_at"]


class MergeSerializer(serializers.Serializer):
    merged = serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                      help_text=_("The duplicate donor folded into this one."))
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class DonorMergeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DonorMerge
        fields = ["id", "survivor", "merged", "moved", "merged_at", "reason"]


class DonorFilter(django_filters.FilterSet):
    center = django_filters.NumberFilter(method="filter_center", label=_("Linked to this center"))
    search = django_filters.CharFilter(method="filter_search",
                                       label=_("Mobile, national code, legal entity ID or name"))

    class Meta:
        model = Donor
        fields: list[str] = []

    def filter_center(self, queryset, name, value):
        if not 0 < value < 2**31:
            return queryset.none()
        return queryset.filter(pk__in=DonorLink.objects.filter(center_id=value).values("donor_id"))

    def filter_search(self, queryset, name, value):
        return services.donor_search(queryset, value)


EDITABLE = ("kind", *services.TEXT_FIELDS, *services.PREFERENCE_FIELDS)


@extend_schema_view(create=extend_schema(request=DonorCreateSerializer, responses={201: DonorSerializer}))
class DonorViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Donors linked to the caller's centers. A merged donor is no longer listed; read by its id, it shows
    ``merged_into``, the donor kept."""

    model = Donor
    serializer_class = DonorSerializer
    filterset_class = DonorFilter

    def tenant_queryset(self):
        ids = sorted(self.request.actor.center_ids)
        first = (DonorLink.objects.filter(donor=OuterRef("pk"), center_id__in=ids).order_by("center_id")
                 .values("center_id")[:1])
        queryset = Donor.objects.filter(pk__in=DonorLink.objects.filter(center_id__in=ids).values("donor_id"))
        if self.action == "list":
            queryset = queryset.filter(merged_into__isnull=True)  # a merged donor is read only by its id
        return queryset.annotate(link_center=Subquery(first)).order_by("last_name", "first_name", "legal_name",
                                                                        "pk")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Donor._base_manager.none()
        return self.tenant_queryset()

    def get_serializer_class(self):
        if self.action == "create":
            return DonorCreateSerializer
        if self.action == "merge":
            return MergeSerializer
        return DonorSerializer

    def _center_for(self, donor, action_name):
        """The caller's center the donor is linked to, where the caller must be allowed ``action_name``."""
        center = Center.objects.filter(pk=donor.link_center).first()
        access.require(self.request.actor, action_name, center)
        return center

    def create(self, request, *args, **kwargs):
        body = DonorCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        center = Center.objects.filter(pk=data.pop("register_at")).first()
        access.require(request.actor, access.Action.RECORD_CONTRIBUTION, center)
        consent = bool(data.pop("consent", False))
        donor = _call(lambda: services.donor_create(center=center, user=request.user, consent=consent,
                                                    **{k: v for k, v in data.items() if k in EDITABLE}))
        return Response(DonorSerializer(self.get_queryset().get(pk=donor.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        donor = self.get_object()
        center = self._center_for(donor, access.Action.RECORD_CONTRIBUTION)
        body = DonorSerializer(donor, data=request.data, partial=kwargs.get("partial", False))
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        consent = data.pop("consent", None)
        _call(lambda: services.donor_update(center=center, donor=donor, user=request.user, consent=consent,
                                            **{k: v for k, v in data.items() if k in EDITABLE}))
        return Response(DonorSerializer(self.get_queryset().get(pk=donor.pk)).data)

    @extend_schema(request=MergeSerializer, responses={200: DonorMergeSerializer},
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Fold the donor ``merged`` into this one: their gifts, pledges, receipts and links move here."""
        survivor = self.get_object()
        body = MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        merged = self.get_queryset().filter(pk=body.validated_data["merged"]).first()
        if merged is None:
            raise ApiValidationError({"merged": [_("No such donor among your centers' donors.")]})
        center = self._center_for(survivor, access.Action.MANAGE_DONORS)
        if not DonorLink.objects.filter(center=center, donor=merged).exists():
            center = None  # linked elsewhere among the caller's centers: allowed where the caller manages donors
            for link in DonorLink.objects.filter(donor=merged, center_id__in=sorted(request.actor.center_ids)):
                if access.may(request.actor, access.Action.MANAGE_DONORS, link.center):
                    break
            else:
                raise ApiValidationError({"merged": [_("You may not manage this donor.")]})
        merge = _call(lambda: services.donor_merge(survivor=survivor, merged=merged, user=request.user,
                                                   reason=body.validated_data["reason"], center=center))
        return Response(DonorMergeSerializer(merge).data)


def register(router):
    router.register("donors", DonorViewSet, basename="donor")
