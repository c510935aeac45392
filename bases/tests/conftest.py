import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from bases.models import BaseOperator, SupervisorDuty
from centers.models import BoardRole, Center, SupervisorAssignment

from . import helpers


@pytest.fixture(autouse=True)
def english():
    """These tests read the English source of the errors; the Persian ones are in the catalog."""
    with translation.override("en"):
        yield


@pytest.fixture
def bw(world):
    """A licensed base in Isfahan run by a licensed NGO under this year's agreement, with its people."""
    ns = SimpleNamespace(world=world)
    isfahan = world.county()
    ns.base = world.center(organization=world.welfare, kind=Center.Kind.SOCIAL_HEALTH_BASE, slug="base-test",
                           name="پایگاه سلامت اجتماعی آزمایشی")
    helpers.license_center(ns.base)
    with scopes_disabled():
        ns.ngo = helpers.ngo(isfahan)
        BaseOperator.objects.create(center=ns.base, ngo=ns.ngo, since=datetime.date(2024, 3, 20))
    ns.chair = world.trustee(ns.base, BoardRole.CHAIR)
    ns.vice_chair = world.trustee(ns.base, BoardRole.VICE_CHAIR)
    ns.finance_officer = world.trustee(ns.base, BoardRole.FINANCE_OFFICER)
    ns.county_supervisor = world.supervisor(level="county", organization=world.welfare)
    ns.deputy = world.supervisor(level="province", organization=world.welfare)
    SupervisorDuty.objects.create(assignment=SupervisorAssignment.objects.get(user=ns.deputy),
                                  duty=SupervisorDuty.Duty.PREVENTION_DEPUTY)
    ns.relief_supervisor = world.supervisor(level="province")
    ns.foreign_supervisor = world.supervisor(level="province", organization=world.welfare,
                                             province=world.county("تهران", "تهران").province)
    ns.outsider = world.trustee(world.center(), BoardRole.CHAIR)
    ns.anonymous = None
    ns.agreement = helpers.agreement(ns.base, ns.ngo, user=ns.county_supervisor)
    return ns
