import pytest

from centers.models import BoardRole
from contributions.tests.conftest import license_center


@pytest.fixture
def center(world):
    return license_center(world.center())


@pytest.fixture
def vice_chair(world, center):
    return world.trustee(center, BoardRole.VICE_CHAIR)
