"""Every donor page shows only that donor's data: one person's rows in every organisation together, never
another donor's gift, receipt or pledge (404), and never a beneficiary."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from contributions.models import Pledge
from core.digits import format_number_fa
from core.jalali import to_jalali
from donors.models import Donor

from .conftest import M1, M2, sign_in

pytestmark = pytest.mark.django_db


def _receipt(gift):
    with scopes_disabled():
        return gift.__class__.objects.select_related("receipt").get(pk=gift.pk).receipt


def test_anonymous_visitor_is_sent_to_the_login(client, people):
    for url in ("/my/", "/my/gifts/", "/my/pledges/", "/my/statement/", "/my/impact/", "/my/preferences/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"/my/login/?next={url}", url


def test_dashboard_shows_the_persons_gifts_in_every_organisation_and_nobody_elses(client, people, sms_file):
    sign_in(client, M1, sms_file)
    body = client.get("/my/gifts/").content.decode()
    for name in (people.a.name, people.b.name):
        assert name in body
    for amount in (500_000, 200_000, 300_000):
        assert format_number_fa(amount) in body
    assert format_number_fa(900_000) not in body and people.c.name not in body
    assert "دیگری‌محرمانه" not in body
    dashboard = client.get("/my/").content.decode()
    assert "زهرا نیکوکار" in dashboard and people.c.name not in dashboard


def test_own_receipt_downloads_and_another_donors_is_404(client, people, sms_file):
    sign_in(client, M1, sms_file)
    own = _receipt(people.gifts["b_health"])
    response = client.get(f"/my/receipts/{own.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    for gift in ("a_other", "c_other"):
        assert client.get(f"/my/receipts/{_receipt(people.gifts[gift]).pk}/pdf/").status_code == 404
    assert client.get("/my/receipts/999999999/pdf/").status_code == 404
    client.post("/my/logout/")
    assert client.get(f"/my/receipts/{own.pk}/pdf/").status_code == 404


def test_donor_pledges_at_a_center_given_to_then_pauses_resumes_and_cancels(client, people, sms_file):
    sign_in(client, M1, sms_file)
    page = client.get("/my/pledges/")
    choices = dict(page.context["form"].fields["center"].choices)
    assert set(choices) == {people.a.pk, people.b.pk}  # not c: no gift there
    today = to_jalali(timezone.localdate())
    with scopes_disabled():
        from contributions.models import Purpose

        zakat = Purpose.objects.get(code="zakat").pk
    response = client.post("/my/pledges/", {
        "center": people.a.pk, "kind": "monthly", "purpose": zakat, "amount": "۱۰۰٬۰۰۰",
        "first_due_on": f"{today.year}/{today.month:02d}/28", "instalment_count": "3"})
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        pledge = Pledge.objects.get(center=people.a, donor=people.d1a, amount=100_000)
        assert pledge.instalments.count() == 3 and pledge.created_by is None
    url = f"/my/pledges/{pledge.pk}/"
    assert client.get(url).status_code == 200
    client.post(url + "pause/", {"reason": "سفر"})
    pledge.refresh_from_db()
    assert pledge.status == "paused" and "سفر" in pledge.pause_reason
    client.post(url + "resume/")
    pledge.refresh_from_db()
    assert pledge.status == "active"
    assert client.post(url + "cancel/", {"reason": ""}).status_code == 400
    client.post(url + "cancel/", {"reason": "تغییر شرایط"})
    pledge.refresh_from_db()
    assert pledge.status == "cancelled" and "تغییر شرایط" in pledge.cancel_reason


def test_pledge_at_a_center_never_given_to_is_refused(client, people, sms_file):
    sign_in(client, M1, sms_file)
    with scopes_disabled():
        from contributions.models import Purpose

        zakat = Purpose.objects.get(code="zakat").pk
    response = client.post("/my/pledges/", {"center": people.c.pk, "kind": "one_off", "purpose": zakat,
                                            "amount": "1000", "first_due_on": "1405/01/01"})
    assert response.status_code == 400
    with scopes_disabled():
        assert not Pledge.objects.filter(center=people.c).exists()


def test_another_donors_pledge_is_404_and_untouched(client, people, sms_file):
    from contributions.tests.test_pledges import pledge_objects

    other = pledge_objects(people.a, people.a.organization, "تعهد دیگری")
    sign_in(client, M1, sms_file)
    for suffix, data in (("", None), ("pause/", {"reason": "x"}), ("resume/", {}), ("cancel/", {"reason": "x"})):
        url = f"/my/pledges/{other.pk}/{suffix}"
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code == 404, url
    other.refresh_from_db()
    assert other.status == "active"


def test_statement_per_year_and_organisation(client, people, sms_file):
    sign_in(client, M1, sms_file)
    page = client.get("/my/statement/")
    year = page.context["years"][0]
    assert [d.pk for d, _c in page.context["statements"]] == [people.d1a.pk, people.d1b.pk]
    pdf = client.get(f"/my/statement/?year={year}&donor={people.d1b.pk}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/my/statement/?year={year}&donor={people.d2.pk}").status_code == 404
    assert client.get(f"/my/statement/?year={year - 5}").status_code == 404
    assert client.get("/my/statement/?year=abc").status_code == 404


def test_where_my_restricted_gifts_went_is_totals_only(client, people, sms_file):
    sign_in(client, M1, sms_file)
    response = client.get("/my/impact/")
    rows = {(r.center_name, r.purpose_name): r for r in response.context["rows"]}
    zakat = next(r for (center, _p), r in rows.items() if center == people.a.name)
    assert (zakat.given, zakat.given_by_all, zakat.spent) == (500_000, 1_400_000, 100_000)
    assert len(rows) == 2  # zakat at a, health at b; general money is not "restricted"
    assert "دیگری‌محرمانه" not in response.content.decode()


def test_preferences_apply_to_every_row_of_the_person(client, people, sms_file):
    sign_in(client, M1, sms_file)
    bad = client.post("/my/preferences/", {"contact_by_sms": "on"})
    assert bad.status_code == 400
    client.post("/my/preferences/", {"consent": "on", "contact_by_email": "on", "name_on_receipt": "on"})
    with scopes_disabled():
        rows = list(Donor.objects.filter(mobile=M1))
        assert {(r.contact_by_sms, r.contact_by_email, r.name_on_receipt, r.consent_at is not None) for r in rows} \
            == {(False, True, True, True)}
        assert Donor.objects.get(mobile=M2).contact_by_sms is True  # another donor untouched
    client.post("/my/preferences/", {})
    with scopes_disabled():
        assert {(r.consent_at, r.contact_by_email) for r in Donor.objects.filter(mobile=M1)} == {(None, False)}


def test_no_beneficiary_identity_on_any_donor_page(client, people, sms_file, world):
    """A household helped at the donor's center (its zakat aid is in the figures) never shows on a donor page."""
    from beneficiaries.tests.helpers import isolation_objects

    household = isolation_objects(people.a, world.trustee(people.a), head_name="سرپرست‌پنهان",
                                  evidence="شاهد‌پنهان", code_seed=77)
    secrets = ["سرپرست‌پنهان", "شاهد‌پنهان", "نشانی‌محرمانه", household["code"], "09131234567"]
    sign_in(client, M1, sms_file)
    pages = ["/my/", "/my/gifts/", "/my/pledges/", "/my/impact/", "/my/statement/", "/my/preferences/"]
    for url in pages:
        body = client.get(url).content.decode()
        for secret in secrets:
            assert secret not in body, (url, secret)
