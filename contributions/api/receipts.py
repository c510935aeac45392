"""API of the receipts area: the receipts of the caller's centers (read-only: receipts are issued by
confirming a contribution), and the public verification endpoint, which answers only the public facts."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from centers.api.tenancy import CenterFilter, TenantViewSetMixin
from contributions.models import Receipt
from contributions.services import receipts as services


class ReceiptSerializer(serializers.ModelSerializer):
    display_number = serializers.CharField(read_only=True, help_text=_("Jalali year and number, e.g. 1405-000123"))
    verification_code = serializers.CharField(source="display_code", read_only=True)
    amount = serializers.IntegerField(source="contribution.amount", read_only=True, help_text=_("In rials"))
    received_on = serializers.DateField(source="contribution.received_on", read_only=True)
    purpose = serializers.CharField(source="contribution.purpose.code", read_only=True)
    donor = serializers.IntegerField(source="contribution.donor_id", read_only=True, allow_null=True)
    void = serializers.BooleanField(source="is_void", read_only=True,
                                    help_text=_("True when the contribution was reversed."))

    class Meta:
        model = Receipt
        fields = ["id", "center", "contribution", "jalali_year", "number", "display_number", "verification_code",
                  "issued_at", "amount", "received_on", "purpose", "donor", "void", "print_count",
                  "last_printed_at"]


class PublicReceiptSerializer(serializers.Serializer):
    """Only what the public verification page shows."""

    valid = serializers.BooleanField(help_text=_("False when the receipt exists but is void (reversed)."))
    number = serializers.CharField()
    verification_code = serializers.CharField(source="code")
    center_name = serializers.CharField()
    organization_name = serializers.CharField()
    amount = serializers.IntegerField(help_text=_("In rials"))
    kind = serializers.CharField()
    purpose = serializers.CharField()
    received_on = serializers.DateField()
    issued_at = serializers.DateTimeField()
    donor_name = serializers.CharField(allow_null=True, help_text=_("Only when the donor allowed it."))
    void = serializers.BooleanField()


class ReceiptFilter(CenterFilter):
    jalali_year = django_filters.NumberFilter()
    contribution = django_filters.NumberFilter(field_name="contribution_id")

    class Meta:
        model = Receipt
        fields: list[str] = []


class ReceiptViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Receipts issued by the caller's centers."""

    model = Receipt
    serializer_class = ReceiptSerializer
    filterset_class = ReceiptFilter
    ordering_fields = ["issued_at", "number"]

    def tenant_queryset(self):
        return (Receipt.objects.select_related("contribution__purpose")
                .order_by("center_id", "-jalali_year", "-number"))

    @extend_schema(
        parameters=[OpenApiParameter("code", str, required=True,
                                     description=_("The verification code printed on the receipt."))],
        responses={200: PublicReceiptSerializer, 404: OpenApiResponse(description=_("Not a valid receipt."))},
        auth=[],
    )
    @action(detail=False, methods=["get"], url_path="verify", permission_classes=[AllowAny],
            filter_backends=[], pagination_class=None)
    def verify(self, request):
        """Public: checks a receipt's verification code and answers the receipt's public facts."""
        code = request.query_params.get("code", "")
        if not code.strip():
            raise ApiValidationError({"code": [_("Give the verification code.")]})
        receipt = services.receipt_verify(code)
        if receipt is None:
            raise NotFound(_("No valid receipt has this verification code."))
        facts = services.public_facts(receipt)
        data = {**facts.__dict__, "valid": not facts.void}
        return Response(PublicReceiptSerializer(data).data)


def register(router):
    router.register("receipts", ReceiptViewSet, basename="receipt")
