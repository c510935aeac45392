"""Fixtures of the donors tests: licensed centers (so services let them operate) and a helper to make
donors with valid national codes."""

import datetime
import itertools

import pytest
from django.utils import timezone
from django_scopes import scope

from centers.models import BoardRole
from contributions.tests.conftest import license_center
from core.validators import national_code_check_digit

_numbers = itertools.count(1)


def a_national_code() -> str:
    """A fresh valid national code."""
    first9 = f"3{next(_numbers):08d}"
    return first9 + str(national_code_check_digit(first9))


@pytest.fixture
def center(world):
    return license_center(world.center())


@pytest.fixture
def other_center(world):
    """Another center of the same organisation."""
    return license_center(world.center())


@pytest.fixture
def welfare_center(world):
    return license_center(world.center(organization=world.welfare))


@pytest.fixture
def chair(world, center):
    return world.trustee(center, BoardRole.CHAIR)


@pytest.fixture
def in_scope(center, other_center, welfare_center):
    with scope(center=[center.pk, other_center.pk, welfare_center.pk]):
        yield center


YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
