from types import SimpleNamespace

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from bases.tests.helpers import operating_base
from centers.models import BoardRole, Center
from contributions.tests.conftest import license_center

from .helpers import square


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def base(world):
    """A licensed social-health base of the welfare organisation in Isfahan, with its activity area, its board
    and the people of the permission matrix."""
    center = license_center(world.center(slug="isf-base-test", organization=world.welfare,
                                         kind=Center.Kind.SOCIAL_HEALTH_BASE, activity_area=square(),
                                         name="پایگاه سلامت اجتماعی آزمایشی"))
    operating_base(center, world.supervisor(level="province", organization=world.welfare))
    ns = SimpleNamespace(world=world, center=center)
    ns.chair = world.trustee(center, BoardRole.CHAIR)
    ns.vice_chair = world.trustee(center, BoardRole.VICE_CHAIR)
    ns.social_worker = world.trustee(center, BoardRole.SOCIAL_WORK_OFFICER)
    ns.finance_officer = world.trustee(center, BoardRole.FINANCE_OFFICER)
    ns.county_supervisor = world.supervisor(level="county", organization=world.welfare)
    ns.relief_supervisor = world.supervisor(level="province")  # another organisation: not theirs
    ns.foreign_supervisor = world.supervisor(level="province", organization=world.welfare,
                                             province=world.county("تهران", "تهران").province)
    other = world.center(name="مرکز دیگر")
    ns.other_chair = world.trustee(other, BoardRole.CHAIR)
    ns.anonymous = None
    return ns


@pytest.fixture
def unscoped():
    with scopes_disabled():
        yield
