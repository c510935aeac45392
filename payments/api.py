"""API of payments: the caller's centers' online payments, read-only (payments change only through the
bank's callback and the re-verification task)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from centers.api.tenancy import CenterFilter, TenantViewSetMixin

from .models import Payment


class PaymentSerializer(serializers.ModelSerializer):
    purpose = serializers.CharField(source="purpose.code", read_only=True)
    amount = serializers.IntegerField(read_only=True, help_text=_("In rials"))

    class Meta:
        model = Payment
        fields = ["id", "center", "gateway", "public_id", "amount", "purpose", "campaign", "status", "ref_id",
                  "contribution", "callbacks", "created_at", "redirected_at", "returned_at", "finished_at"]
        read_only_fields = fields


class PaymentFilter(CenterFilter):
    status = django_filters.ChoiceFilter(choices=Payment.Status.choices)
    gateway = django_filters.CharFilter()

    class Meta:
        model = Payment
        fields: list[str] = []


class PaymentViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Online payments of the caller's centers, newest first."""

    model = Payment
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter

    def tenant_queryset(self):
        return Payment.objects.select_related("purpose").order_by("-created_at", "-pk")


def register(router):
    router.register("payments", PaymentViewSet, basename="payment")
