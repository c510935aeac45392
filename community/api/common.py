from django.core.exceptions import ValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError

from centers import access
from centers.models import Center

MAX_ID = 2**31 - 1


def call(fn):
    """Runs a service; its refusal becomes a 400 with the translated messages."""
    try:
        return fn()
    except ValidationError as exc:
        raise ApiValidationError({"detail": exc.messages}) from None


def center_id_field():
    return serializers.IntegerField(min_value=1, max_value=MAX_ID)


def center_for(request, center_id) -> Center:
    """The caller's center (404 for another's or a missing one, like everywhere)."""
    center = Center.objects.filter(pk=center_id).first()
    access.require(request.actor, access.Action.VIEW, center)
    return center
