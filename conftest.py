"""Fixtures shared by every test: a small world of two provinces' centers, their trustees and supervisors.

Tenant rows are created inside ``scopes_disabled()``: a fixture is one of the reviewed places allowed to
build data for several centers at once. Tests themselves run with no scope open, like a fresh request.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from centers.models import BoardRole, Center, County, Organization, SupervisorAssignment, TrusteeAppointment

TEST_PASSWORD = "a-long-test-password-1"  # noqa: S105


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Each test gets cache keys of its own (rate limits, cached pages and figures start from nothing) without
    flushing the cache, which on the machine's Redis is shared with parallel workers and other runs."""
    import uuid

    settings.CACHES = {name: {**conf, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}
                       for name, conf in settings.CACHES.items()}


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS = True
    # The cache may be the machine's Redis, shared with other runs: each run gets keys of its own, and the
    # public page cache is off except in the tests that turn it on (public/tests).
    import uuid

    settings.CACHES = {name: {**conf, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}
                       for name, conf in settings.CACHES.items()}
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    from config.celery import app

    app.conf.task_always_eager = True


class World:
    """Builders for the people and centers a test needs; every name is unique per call."""

    def __init__(self):
        self.n = 0
        self.relief = Organization.objects.get(code=Organization.Code.RELIEF_COMMITTEE)
        self.welfare = Organization.objects.get(code=Organization.Code.WELFARE)

    def _next(self) -> int:
        self.n += 1
        return self.n

    def county(self, name="اصفهان", province="اصفهان") -> County:
        return County.objects.get(name=name, province__name=province)

    def center(self, *, county=None, organization=None, status=Center.Status.LICENSED, **extra) -> Center:
        n = self._next()
        with scopes_disabled():
            return Center.objects.create(
                name=extra.pop("name", f"مرکز نیکوکاری آزمایشی {n}"), slug=extra.pop("slug", f"test-center-{n}"),
                organization=organization or self.relief, county=county or self.county(), status=status, **extra,
            )

    def user(self, **extra):
        n = self._next()
        return get_user_model().objects.create_user(
            username=extra.pop("username", f"user{n}"), password=TEST_PASSWORD,
            email=extra.pop("email", f"user{n}@example.org"), first_name=extra.pop("first_name", "کاربر"),
            last_name=extra.pop("last_name", f"شماره {n}"), **extra,
        )

    def trustee(self, center: Center, role=BoardRole.CHAIR, user=None):
        user = user or self.user()
        with scopes_disabled():
            TrusteeAppointment.objects.create(center=center, user=user, role=role,
                                              starts_on=datetime.date(2024, 3, 20))
        return user

    def supervisor(self, *, level="province", organization=None, county=None, province=None, user=None):
        user = user or self.user(is_staff=True)
        if level == "county":
            county = county or self.county()
        elif level == "province":
            province = province or self.county().province
        SupervisorAssignment.objects.create(user=user, organization=organization or self.relief, level=level,
                                            county=county, province=province,
                                            starts_on=datetime.date(2024, 3, 20))
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user


@pytest.fixture
def world(db):
    return World()


def login(client, user, *, verified=True):
    """Signs ``user`` in on a test client; with ``verified`` their second factor counts as passed."""
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.filter(user=user).first()
        if device is not None:
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
    return client


@pytest.fixture
def as_user(client):
    def _login(user, verified=True):
        return login(client, user, verified=verified)

    return _login
