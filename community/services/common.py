from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.access import Action, Actor, require
from centers.services.lifecycle import require_center_can_operate


def start(actor: Actor, obj) -> None:
    """Access first (an outsider learns nothing, not even that the center cannot operate), then the license."""
    require(actor, Action.MANAGE_COMMUNITY, obj)
    center = obj if obj.__class__.__name__ == "Center" else obj.center
    require_center_can_operate(center)


def text(value, *, message: str, code: str, max_length: int | None = None, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None or (required and not value):
        raise ValidationError(message, code=code)
    if max_length and len(value) > max_length:
        raise ValidationError(_("The text is too long (at most %(n)d characters).") % {"n": max_length},
                              code="too_long")
    return value


def choice(value, choices, *, message: str, code: str) -> str:
    if value not in choices.values:
        raise ValidationError(message, code=code)
    return value


def past_date(value, *, message: str, code: str) -> datetime.date:
    """A date that is not in the future (what was done or seen)."""
    if not isinstance(value, datetime.date) or value > timezone.localdate():
        raise ValidationError(message, code=code)
    return value


def count(value, *, message: str, code: str, maximum: int = 10_000_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise ValidationError(message, code=code)
    return value
