"""Builders for the bases tests and the isolation walker: an NGO, a licensed base it runs, an agreement."""

import datetime
import itertools

from django.utils import timezone
from django_scopes import scopes_disabled

from bases.models import (
    ActivityReport,
    BaseAgreement,
    BaseOperator,
    Commitment,
    Ngo,
    NgoLicense,
    NgoStaff,
    NgoTrackRecord,
)
from centers.models import License
from core.jalali import JalaliPeriod, to_jalali
from core.validators import legal_entity_check_digit

_ids = itertools.count(1)


def legal_id() -> str:
    first10 = f"10{next(_ids):08d}"
    return first10 + str(legal_entity_check_digit(first10))


def ngo(county, *, name="انجمن سلامت محله", licensed=True):
    today = timezone.localdate()
    n = Ngo.objects.create(name=name, legal_entity_id=legal_id(), registration_number="1234", county=county)
    if licensed:
        NgoLicense.objects.create(ngo=n, number=f"L-{n.pk}", issued_on=today - datetime.timedelta(days=400),
                                  valid_until=today + datetime.timedelta(days=400))
    NgoTrackRecord.objects.create(ngo=n, activity="آموزش پیشگیری", started_on=datetime.date(2020, 3, 20),
                                  place="محله")
    NgoStaff.objects.create(ngo=n, name="زهرا مددکار", role=NgoStaff.Role.SOCIAL_WORKER)
    return n


def this_year() -> int:
    return to_jalali(timezone.localdate()).year


def license_center(center):
    today = timezone.localdate()
    with scopes_disabled():
        License.objects.create(center=center, activity_code=f"WF-T-{center.pk}",
                               valid_from=today - datetime.timedelta(days=400),
                               valid_until=today + datetime.timedelta(days=400))


def agreement(center, the_ngo, *, year=None, budget=1_000_000_000, user=None, commitments=None):
    """An agreement written directly (the services are tested separately), with its commitments."""
    year = year or this_year()
    period = JalaliPeriod.for_year(year)
    with scopes_disabled():
        a = BaseAgreement.objects.create(center=center, ngo=the_ngo, jalali_year=year, budget=budget,
                                         starts_on=period.start, ends_on=period.end, created_by=user)
        for activity, target in commitments or [("education", 10), ("collective_action", 4)]:
            Commitment.objects.create(center=center, agreement=a, activity=activity, description=f"تعهد {activity}",
                                      target=target, unit="جلسه")
    return a


def isolation_objects(center, user, *, secret):
    """A base operator, an agreement and a report at ``center``, for tests/test_isolation.py."""
    with scopes_disabled():
        the_ngo = ngo(center.county, name=f"سمن {secret}")
        BaseOperator.objects.create(center=center, ngo=the_ngo, since=datetime.date(2024, 3, 20))
        a = agreement(center, the_ngo, user=user)
        commitment = a.commitments.first()
        report = ActivityReport.objects.create(center=center, commitment=commitment, reported_on=a.starts_on,
                                               achieved=1, description=f"گزارش {secret}", recorded_by=user)
    return {"url_kwargs": {"agreement_id": a.pk},
            "api": {"base-agreement": a.pk, "base-activity-report": report.pk},
            "secrets": [f"سمن {secret}", f"گزارش {secret}"]}


def operating_base(center, user):
    """Makes the social-health base ``center`` able to operate: an NGO with a valid license runs it under an
    agreement for this Jalali year, concluded by ``user`` (other apps' tests use it for their bases)."""
    with scopes_disabled():
        the_ngo = ngo(center.county, name=f"سمن پایگاه {center.pk}")
        BaseOperator.objects.create(center=center, ngo=the_ngo, since=datetime.date(2024, 3, 20))
    agreement(center, the_ngo, user=user)
    return center
