"""Builders for memoranda tests (and the isolation walker)."""

import datetime

from django.utils import timezone

from memoranda.models import CalendarEvent, Commitment, Memorandum, MonitoringRecord, Party


def memorandum_in(province, *, subject="تفاهم‌نامه همکاری", organization=None, other_organization=None,
                  today=None) -> Memorandum:
    """A memorandum of ``province`` (None: national) between ``organization`` (monitoring) and a named body
    (or ``other_organization``), with one commitment overdue, one due in ten days, one done, one far off,
    a calendar entry next week and a monitoring visit."""
    today = today or timezone.localdate()
    day = datetime.timedelta(days=1)
    memorandum = Memorandum.objects.create(province=province, subject=subject, signed_on=today - 100 * day,
                                           valid_from=today - 100 * day, valid_until=today + 600 * day)
    first = Party.objects.create(memorandum=memorandum, organization=organization,
                                 name="" if organization else "فرمانداری", monitors=True)
    second = Party.objects.create(memorandum=memorandum, organization=other_organization,
                                  name="" if other_organization else "دفتر امور روستایی استانداری")
    Commitment.objects.create(memorandum=memorandum, owner=second, description=f"{subject}: تعهد معوق",
                              due_on=today - 5 * day, status="in_progress")
    Commitment.objects.create(memorandum=memorandum, owner=first, description=f"{subject}: تعهد نزدیک",
                              due_on=today + 10 * day)
    Commitment.objects.create(memorandum=memorandum, owner=first, description=f"{subject}: تعهد انجام‌شده",
                              due_on=today - 20 * day, status="done", done_on=today - 25 * day)
    Commitment.objects.create(memorandum=memorandum, owner=second, description=f"{subject}: تعهد دور",
                              due_on=today + 200 * day)
    CalendarEvent.objects.create(memorandum=memorandum, kind="campaign", title=f"{subject}: جشن نیکوکاری",
                                 starts_on=today + 7 * day, ends_on=today + 9 * day, lead=first)
    MonitoringRecord.objects.create(memorandum=memorandum, party=first, kind="visit", recorded_on=today - 3 * day,
                                    findings=f"{subject}: یافته بازدید")
    return memorandum
