"""SMS to donors through the file backend: the receipt link after a gift is confirmed, pledge reminders a few
days before an instalment, sponsorship news; only with a mobile and consent, once per subject."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from contributions.models import Pledge
from contributions.services import pledges as pledge_services
from core import sms
from core.jalali import to_jalali
from donor_portal.models import DonorMessage
from donor_portal.notifications import notify_sponsorship_news
from donor_portal.tasks import pledge_reminder_scan

from .conftest import M1, M2, donor, give

pytestmark = pytest.mark.django_db


def _texts(sms_file, mobile):
    return [m["text"] for m in sms_file() if m["to"] == mobile and "code" not in m]


def test_confirmed_gift_sends_the_receipt_link(people, sms_file):
    gift = give(people.a, people.d1a, 123_000, "sadaqah")
    with scopes_disabled():
        receipt = gift.__class__.objects.get(pk=gift.pk).receipt
        message = DonorMessage.objects.get(key=f"receipt:{receipt.pk}")
    assert message.status == "sent" and message.provider_id
    text = _texts(sms_file, M1)[-1]
    assert f"/receipts/verify/{receipt.verification_code}/" in text and "/my/" in text
    assert message.text == text


def test_no_sms_without_consent_or_mobile(people, sms_file, world):
    quiet = donor(people.a, "09121110055", "بی", "پیام", sms=False)
    no_mobile = donor(people.a, "", "بی", "شماره")
    before = len(sms_file())
    give(people.a, quiet, 1_000, "general")
    give(people.a, no_mobile, 1_000, "general")
    assert len(sms_file()) == before
    with scopes_disabled():
        assert not DonorMessage.objects.filter(donor__in=[quiet, no_mobile]).exists()


def test_receipt_sms_waits_for_the_commit(keep_on_commit, people, sms_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        give(people.a, people.d1a, 5_000, "general")
    assert callbacks and _texts(sms_file, M1) == []  # nothing before the confirming transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert len(_texts(sms_file, M1)) == 1


def test_a_receipt_is_texted_once(people, sms_file):
    from donor_portal.tasks import notify_receipt

    gift = people.gifts["a_zakat"]
    before = len(_texts(sms_file, M1))
    notify_receipt.apply(kwargs={"center_id": people.a.pk, "contribution_id": gift.pk})
    assert len(_texts(sms_file, M1)) == before


def test_a_refused_message_is_marked_failed(people, sms_file, settings):
    settings.SMS_BACKEND = f"{__name__}.Refusing"
    give(people.a, people.d1a, 7_000, "general")
    with scopes_disabled():
        message = DonorMessage.objects.order_by("-pk").first()
    assert (message.status, message.provider_id) == ("failed", "") and "418" in message.error


class Refusing(sms.SmsBackend):
    def __init__(self, **_options):
        pass

    def send(self, mobile, text):
        raise sms.SmsError("Kavenegar sms/send: refused 418 (not enough credit)", status=418)


def _pledge(center, donor_row, due_in_days, *, target="purpose", today=None):
    today = today or timezone.localdate()
    due = to_jalali(today + datetime.timedelta(days=due_in_days))
    with scope(center=[center.pk]):
        return pledge_services.pledge_create(
            center=center, donor=donor_row, kind="one_off", amount=250_000, start_year=due.year,
            start_month=due.month, due_day=due.day, target=target,
            purpose=None if target != "purpose" else "zakat",
            sponsorship_reference="H-1" if target != "purpose" else None,
            sponsorship_profile="دختر ۹ ساله، دبستانی" if target != "purpose" else "")


def test_pledge_reminder_a_few_days_before_and_only_once(people, sms_file):
    soon = _pledge(people.a, people.d1a, 2)
    _pledge(people.a, people.d1a, 10)  # too far ahead
    paused = _pledge(people.a, people.d2, 1)
    with scope(center=[people.a.pk]):
        pledge_services.pledge_pause(pledge=paused)
    assert pledge_reminder_scan() >= 1
    texts = [t for t in _texts(sms_file, M1) if "۲۵۰٬۰۰۰" in t]
    assert len(texts) == 1
    assert not any("۲۵۰٬۰۰۰" in t for t in _texts(sms_file, M2))  # paused: no reminder
    pledge_reminder_scan()
    assert len([t for t in _texts(sms_file, M1) if "۲۵۰٬۰۰۰" in t]) == 1
    with scopes_disabled():
        instalment = soon.instalments.get()
        assert DonorMessage.objects.filter(key=f"pledge-reminder:{instalment.pk}", status="sent").count() == 1


def test_no_reminder_for_a_donor_without_consent(people, sms_file):
    quiet = donor(people.a, "09121110066", "بی", "پیام", sms=False)
    _pledge(people.a, quiet, 1)
    pledge_reminder_scan()
    assert [m for m in sms_file() if m["to"] == "09121110066"] == []


def test_sponsorship_news_says_there_is_news_without_the_note(people, sms_file):
    pledge = _pledge(people.a, people.d1a, 20, target=Pledge.Target.ORPHAN)

    class Note:
        pk = 41
        text = "نمره‌های خوب در مدرسه فاطمه"

    message = notify_sponsorship_news(pledge, Note())
    assert message is not None
    text = _texts(sms_file, M1)[-1]
    assert "فاطمه" not in text and "/my/" in text and people.a.name in text
    assert notify_sponsorship_news(pledge, Note()) is None  # the same note: no second message
    purpose_pledge = _pledge(people.a, people.d1a, 20)
    assert notify_sponsorship_news(purpose_pledge, Note()) is None
