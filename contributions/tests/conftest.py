import datetime

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from centers.models import License


def license_center(center):
    """Gives ``center`` a license covering today, so ``require_center_can_operate`` lets it record money."""
    today = timezone.localdate()
    with scopes_disabled():
        License.objects.create(center=center, activity_code=f"RC-TEST-{center.pk:05d}",
                               valid_from=today - datetime.timedelta(days=30),
                               valid_until=today + datetime.timedelta(days=365))
    return center


@pytest.fixture
def center(world):
    return license_center(world.center())


@pytest.fixture
def in_scope(center):
    with scope(center=[center.pk]):
        yield center
