from types import SimpleNamespace

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from centers.models import BoardRole, Province

from .helpers import memorandum_in


@pytest.fixture
def m(world):
    """Memoranda of Isfahan, Tehran and the nation (relief committee with a named body), one of Isfahan
    between two bodies that are not supervising organisations, and the people of the matrix."""
    isfahan = Province.objects.get(name="اصفهان")
    tehran = Province.objects.get(name="تهران")
    ns = SimpleNamespace(world=world, isfahan=isfahan, tehran=tehran)
    ns.isfahan_memo = memorandum_in(isfahan, subject="تفاهم‌نامه اصفهان", organization=world.relief)
    ns.tehran_memo = memorandum_in(tehran, subject="تفاهم‌نامه تهران", organization=world.relief)
    ns.national_memo = memorandum_in(None, subject="تفاهم‌نامه ملی", organization=world.relief)
    ns.bodies_memo = memorandum_in(isfahan, subject="تفاهم‌نامه دو نهاد")
    ns.province_supervisor = world.supervisor(level="province", province=isfahan)
    ns.county_supervisor = world.supervisor(level="county")
    ns.welfare_supervisor = world.supervisor(level="province", province=isfahan, organization=world.welfare)
    ns.foreign_supervisor = world.supervisor(level="province", province=tehran)
    ns.national_supervisor = world.supervisor(level="national")
    ns.national_admin = world.user(is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=ns.national_admin, name="test", confirmed=True)
    ns.trustee = world.trustee(world.center(), BoardRole.CHAIR)
    ns.anonymous = None
    return ns
