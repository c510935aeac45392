"""Receipts: gapless numbering per center and Jalali year (also under concurrent confirmations and rollbacks),
verification codes that a forger cannot make and an alteration breaks, the public verification page, prints
and duplicates, the donor's annual statement, and the pages, API and admin under the access rules."""

import datetime
import shutil
import subprocess
import threading
import zoneinfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from centers.models import BoardRole
from conftest import login
from contributions import services
from contributions.models import Contribution, Receipt
from contributions.services import receipts as receipt_services
from contributions.tests.conftest import license_center
from donors.models import Donor, DonorLink

TODAY = timezone.localdate()
TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


def _donor(world, *, consent=False, first_name="مریم", last_name="احمدی", national_code="0499370899"):
    with scopes_disabled():
        return Donor.objects.create(organization=world.relief, first_name=first_name, last_name=last_name,
                                    national_code=national_code, name_on_receipt=consent)


def _gift(center, *, amount=250_000, purpose="zakat", donor=None, received_on=TODAY, confirm=True):
    gift = services.contribution_record(center=center, kind="cash", purpose=purpose, amount=amount,
                                        received_on=received_on, donor=donor)
    return services.contribution_confirm(contribution=gift) if confirm else gift


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _pdf_text(pdf: bytes) -> str | None:
    """The PDF's text through poppler's pdftotext, or None where poppler is not installed."""
    if shutil.which("pdftotext") is None:
        return None
    done = subprocess.run(["pdftotext", "-q", "-", "-"], input=pdf, capture_output=True, check=True)  # noqa: S603, S607
    return done.stdout.decode()


# --- numbering ---------------------------------------------------------------------------------------------

def test_confirming_issues_receipts_numbered_per_center(in_scope, world):
    other = license_center(world.center())
    year = receipt_services.to_jalali(TODAY).year
    first, second = _gift(in_scope), _gift(in_scope)
    with scope(center=[other.pk]):
        elsewhere = _gift(other)
    assert [first.receipt.number, second.receipt.number] == [1, 2]
    assert first.receipt.display_number == f"{year}-000001"
    assert first.receipt.jalali_year == year
    with scope(center=[other.pk]):
        assert elsewhere.receipt.number == 1  # each center has its own series
    recorded = _gift(in_scope, confirm=False)
    assert not Receipt.objects.filter(contribution=recorded).exists()  # only a confirmed gift has a receipt
    again = services.contribution_confirm(contribution=second)  # confirming twice issues nothing new
    assert again.receipt.pk == second.receipt.pk and Receipt.objects.count() == 2


def test_numbering_restarts_each_jalali_year(in_scope):
    gifts = [_gift(in_scope, confirm=False) for _ in range(4)]
    Contribution.objects.filter(pk__in=[g.pk for g in gifts]).update(status="confirmed", confirmed_at=timezone.now())
    # 1405 begins on 21 March 2026 (1 Farvardin), at Tehran's midnight.
    late_1404 = datetime.datetime(2026, 3, 20, 23, 59, tzinfo=TEHRAN)
    early_1405 = datetime.datetime(2026, 3, 20, 21, 0, tzinfo=datetime.UTC)  # 00:30 on 21 March in Tehran
    issued = [receipt_services.receipt_issue(contribution=Contribution.objects.get(pk=g.pk), issued_at=when)
              for g, when in zip(gifts, [late_1404, late_1404, early_1405, early_1405], strict=True)]
    assert [r.display_number for r in issued] == ["1404-000001", "1404-000002", "1405-000001", "1405-000002"]


def test_a_rolled_back_confirmation_leaves_no_gap(in_scope):
    first = _gift(in_scope)
    doomed, kept = _gift(in_scope, confirm=False), _gift(in_scope, confirm=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.contribution_confirm(contribution=doomed)
        assert Receipt.objects.get(contribution=doomed).number == 2
        raise RuntimeError("the bank statement does not match")
    kept = services.contribution_confirm(contribution=kept)
    assert kept.receipt.number == 2
    assert not Receipt.objects.filter(contribution=doomed).exists()
    doomed = services.contribution_confirm(contribution=doomed)
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert first.receipt.number == 1 and doomed.receipt.number == 3


def test_a_receipt_is_issued_only_for_a_confirmed_contribution(in_scope):
    gift = _gift(in_scope, confirm=False)
    with pytest.raises(ValidationError) as error:
        receipt_services.receipt_issue(contribution=gift)
    assert error.value.code == "receipt_not_confirmed"


THREADS = 6
PER_THREAD = 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_confirmations_number_without_gaps_or_repeats(world):
    """Six threads, each with its own database connection, confirm gifts at one center at the same moment;
    every third confirmation rolls back. The committed receipts are numbered 1..n, each number once."""
    center = license_center(world.center())
    with scope(center=[center.pk]):
        gifts = [_gift(center, amount=1_000 + i, confirm=False) for i in range(THREADS * PER_THREAD)]
    barrier = threading.Barrier(THREADS)
    committed: list[int] = []
    rolled_back: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(chunk):
        try:
            with scope(center=[center.pk]):
                barrier.wait(timeout=20)
                for i, gift in enumerate(chunk):
                    try:
                        with transaction.atomic():
                            services.contribution_confirm(contribution=gift)
                            if i % 3 == 2:
                                raise RuntimeError("rolled back on purpose")
                        with lock:
                            committed.append(gift.pk)
                    except RuntimeError:
                        with lock:
                            rolled_back.append(gift.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below, never lost in a thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(gifts[n::THREADS],)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(committed) + len(rolled_back) == THREADS * PER_THREAD and rolled_back
    with scope(center=[center.pk]):
        numbers = sorted(Receipt.objects.filter(center=center).values_list("number", flat=True))
        assert numbers == list(range(1, len(committed) + 1))
        assert set(Receipt.objects.values_list("contribution_id", flat=True)) == set(committed)
        assert not Receipt.objects.filter(contribution_id__in=rolled_back).exists()


# --- the verification code ---------------------------------------------------------------------------------

def test_verification_codes_are_unguessable_and_typed_leniently(in_scope):
    a, b = _gift(in_scope).receipt, _gift(in_scope).receipt
    assert len(a.verification_code) == 16 and a.verification_code != b.verification_code
    assert set(a.verification_code) <= set(receipt_services.CODE_ALPHABET)
    typed = a.display_code.lower().translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert receipt_services.normalise_code(typed) == a.verification_code
    assert receipt_services.receipt_verify(typed).pk == a.pk
    for junk in ("", "short", "X" * 100, "!!!!-!!!!-!!!!-!!!!", None):
        assert receipt_services.receipt_verify(junk) is None


def _altered(code: str) -> str:
    """The same code with one character changed (to one that cannot be mistaken for it)."""
    return code[:5] + ("A" if code[5] != "A" else "B") + code[6:]


def test_an_altered_code_or_altered_facts_do_not_verify(in_scope, settings):
    receipt = _gift(in_scope, amount=500_000).receipt
    assert receipt_services.receipt_verify(receipt.verification_code).pk == receipt.pk
    assert receipt_services.receipt_verify(_altered(receipt.verification_code)) is None
    # A forger who knows the format but not the key cannot make a code: the key is not in the database.
    settings.RECEIPT_VERIFICATION_KEY = "another-key"
    assert receipt_services.receipt_verify(receipt.verification_code) is None
    settings.RECEIPT_VERIFICATION_KEY = ""
    # The amount changed behind the services' back: the printed code no longer vouches for the receipt.
    Contribution.objects.filter(pk=receipt.contribution_id).update(amount=5_000_000)
    assert receipt_services.receipt_verify(receipt.verification_code) is None


def test_the_database_refuses_changing_or_deleting_a_receipt(in_scope):
    receipt = _gift(in_scope).receipt
    with pytest.raises(DatabaseError), transaction.atomic():
        Receipt.objects.filter(pk=receipt.pk).update(number=99)
    with pytest.raises(DatabaseError), transaction.atomic():
        Receipt.objects.filter(pk=receipt.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(center=in_scope, contribution=_gift(in_scope, confirm=False), jalali_year=1,
                               number=0, verification_code="X", issued_at=timezone.now())
    Receipt.objects.filter(pk=receipt.pk).update(print_count=3)  # prints are counted, nothing else changes
    assert Receipt.objects.get(pk=receipt.pk).number == 1


# --- the public verification page and endpoint -------------------------------------------------------------

def test_verification_page_confirms_a_real_receipt_without_the_donors_name(client, in_scope, world):
    receipt = _gift(in_scope, amount=250_000, donor=_donor(world)).receipt
    response = client.get(reverse("contributions:receipt-verify-code",
                                  kwargs={"receipt_code": receipt.verification_code}))
    assert response.status_code == 200
    page = response.content.decode()
    assert in_scope.name in page
    assert "۲۵۰٬۰۰۰" in page  # the amount in Persian digits
    assert "زکات" in page  # the purpose
    j = receipt_services.to_jalali(TODAY)
    assert receipt_services.to_persian_digits(str(j.year)) in page
    assert "مریم" not in page and "احمدی" not in page  # no consent: no name
    assert "status-licensed" in page  # the "valid" badge


def test_verification_page_shows_the_donors_name_only_with_consent(client, in_scope, world):
    receipt = _gift(in_scope, donor=_donor(world, consent=True)).receipt
    page = client.get(reverse("contributions:receipt-verify-code",
                              kwargs={"receipt_code": receipt.verification_code})).content.decode()
    assert "مریم احمدی" in page


def test_forged_or_altered_code_is_clearly_not_valid(client, in_scope):
    receipt = _gift(in_scope).receipt
    _english(client)
    for code in (_altered(receipt.verification_code), "ABCDEFGHJKMNPQRS", "not-a-code"):
        response = client.get(reverse("contributions:receipt-verify-code", kwargs={"receipt_code": code}))
        assert response.status_code == 404
        page = response.content.decode()
        assert "Not valid" in page and "forged or altered" in page
        assert in_scope.name not in page and "250,000" not in page


def test_the_lookup_form_takes_a_code_as_typed(client, in_scope):
    receipt = _gift(in_scope).receipt
    assert client.get(reverse("contributions:receipt-verify")).status_code == 200
    response = client.get(reverse("contributions:receipt-verify"), {"code": receipt.display_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("contributions:receipt-verify-code",
                                           kwargs={"receipt_code": receipt.verification_code})
    assert client.get(reverse("contributions:receipt-verify"), {"code": "???"}).status_code == 404


def test_a_reversed_contributions_receipt_shows_as_void(client, in_scope):
    gift = _gift(in_scope)
    services.contribution_reverse(contribution=gift, reason="ثبت تکراری")
    _english(client)
    response = client.get(reverse("contributions:receipt-verify-code",
                                  kwargs={"receipt_code": gift.receipt.verification_code}))
    assert response.status_code == 200
    assert "Void" in response.content.decode() and "reversed" in response.content.decode()
    with translation.override("en"):
        html = receipt_services.render_receipt_html(Receipt.objects.get(pk=gift.receipt.pk), reprint=False)
    assert "mark void" in html and ("VOID" in html or "باطل" in html)  # the receipt is always Persian once compiled


def test_public_verify_endpoint_answers_only_public_facts(client, in_scope, world):
    receipt = _gift(in_scope, amount=70_000, donor=_donor(world)).receipt
    response = client.get("/api/v1/receipts/verify/", {"code": receipt.display_code})
    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is True and data["void"] is False
    assert data["amount"] == 70_000 and data["center_name"] == in_scope.name
    assert data["donor_name"] is None and data["number"] == receipt.display_number
    assert "donor" not in data and "contribution" not in data and "id" not in data
    assert client.get("/api/v1/receipts/verify/",
                      {"code": _altered(receipt.verification_code)}).status_code == 404
    assert client.get("/api/v1/receipts/verify/").status_code == 400


# --- printing ---------------------------------------------------------------------------------------------

def test_first_print_is_the_original_and_reprints_are_marked_duplicate(in_scope):
    receipt = _gift(in_scope).receipt
    with translation.override("en"):
        name1, kind, original = receipt_services.receipt_print(receipt=receipt)
        name2, _kind, duplicate = receipt_services.receipt_print(receipt=receipt)
        duplicate_html = receipt_services.render_receipt_html(Receipt.objects.get(pk=receipt.pk), reprint=True)
        original_html = receipt_services.render_receipt_html(Receipt.objects.get(pk=receipt.pk), reprint=False)
    assert kind == "application/pdf" and original.startswith(b"%PDF") and duplicate.startswith(b"%PDF")
    assert "duplicate" not in name1 and name2.endswith("-duplicate.pdf")
    assert Receipt.objects.get(pk=receipt.pk).print_count == 2
    assert "mark duplicate" in duplicate_html and "mark duplicate" not in original_html
    assert receipt_services.receipt_verification_url(receipt) in original_html
    assert "data:image/svg+xml;base64," in original_html  # the QR code, drawn here
    text_original, text_duplicate = _pdf_text(original), _pdf_text(duplicate)
    if text_duplicate is not None:
        marks = ("Duplicate", "المثنی")  # the banner (the rotated watermark comes out letter by letter)
        assert any(m in text_duplicate for m in marks)
        assert not any(m in text_original for m in marks)
        assert receipt.display_code in text_original


def test_verification_url_uses_the_configured_public_address(in_scope, settings):
    receipt = _gift(in_scope).receipt
    settings.PORTAL_BASE_URL = "https://nikoukari.example.ir/"
    assert receipt_services.receipt_verification_url(receipt, base_url="http://internal:8000/") == (
        f"https://nikoukari.example.ir/receipts/verify/{receipt.verification_code}/")


def test_amount_in_words():
    words = receipt_services.amount_in_words
    assert words(125_000) == "صد و بیست و پنج هزار ریال"
    assert words(1_000_000) == "یک میلیون ریال"
    assert words(2_015_300) == "دو میلیون و پانزده هزار و سیصد ریال"


# --- the annual statement --------------------------------------------------------------------------------

def test_annual_statement_lists_the_years_confirmed_gifts_with_totals_per_purpose(in_scope, world):
    donor = _donor(world)
    other = license_center(world.center())
    # Jalali 1404 runs from 21 March 2025 to 20 March 2026.
    _gift(in_scope, donor=donor, amount=100_000, purpose="zakat", received_on=datetime.date(2025, 4, 1))
    _gift(in_scope, donor=donor, amount=50_000, purpose="zakat", received_on=datetime.date(2026, 3, 20))
    _gift(in_scope, donor=donor, amount=30_000, purpose="food", received_on=datetime.date(2025, 9, 1))
    reversed_gift = _gift(in_scope, donor=donor, amount=999_000, purpose="food",
                          received_on=datetime.date(2025, 9, 2))
    services.contribution_reverse(contribution=reversed_gift, reason="اشتباه")
    _gift(in_scope, donor=donor, amount=7_000, purpose="zakat", received_on=datetime.date(2025, 3, 20))  # 1403
    _gift(in_scope, donor=None, amount=8_000, purpose="zakat", received_on=datetime.date(2025, 5, 1))
    with scope(center=[other.pk]):
        _gift(other, donor=donor, amount=400_000, purpose="zakat", received_on=datetime.date(2025, 5, 1))

    statement = receipt_services.donor_statement(donor=donor, jalali_year=1404, centers=[in_scope])
    assert [r.amount for r in statement.rows] == [100_000, 30_000, 50_000]
    assert statement.totals == [("زکات", 150_000), ("غذا", 30_000)]
    assert statement.total == 180_000
    with scope(center=[in_scope.pk, other.pk]):
        both = receipt_services.donor_statement(donor=donor, jalali_year=1404, centers=[in_scope, other])
    assert both.total == 580_000

    html = receipt_services.render_statement_html(statement, centers=[in_scope])
    assert "۱۵۰٬۰۰۰" in html and "۱۸۰٬۰۰۰" in html and "۹۹۹٬۰۰۰" not in html
    filename, kind, pdf = receipt_services.donor_statement_pdf(donor, 1404, [in_scope])
    assert kind == "application/pdf" and pdf.startswith(b"%PDF") and "1404" in filename
    with pytest.raises(ValidationError):
        receipt_services.donor_statement(donor=donor, jalali_year=99999, centers=[in_scope])


# --- pages, API and admin --------------------------------------------------------------------------------

def test_trustee_prints_receipts_and_statements_outsider_gets_404(client, center, world):
    chair = world.trustee(center, BoardRole.CHAIR)
    donor = _donor(world)
    with scope(center=[center.pk]):
        receipt = _gift(center, donor=donor).receipt
    pdf_url = reverse("contributions:receipt-pdf", kwargs={"center_slug": center.slug, "receipt_id": receipt.pk})
    statement_url = reverse("contributions:donor-statement",
                            kwargs={"center_slug": center.slug, "donor_id": donor.pk})
    list_url = reverse("contributions:receipt-list", kwargs={"center_slug": center.slug})

    login(client, chair)
    page = client.get(list_url)
    assert page.status_code == 200 and receipt.display_number.split("-")[1][-1] in page.content.decode()
    first = client.get(pdf_url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert "duplicate" not in first["Content-Disposition"]
    assert "duplicate" in client.get(pdf_url)["Content-Disposition"]
    assert client.get(statement_url).status_code == 200
    year = receipt_services.to_jalali(TODAY).year
    statement = client.get(statement_url, {"year": str(year)})
    assert statement.status_code == 200 and statement["Content-Type"] == "application/pdf"
    assert client.get(statement_url, {"year": "12"}).status_code == 200  # the form again, with its error

    outsider = world.trustee(license_center(world.center()), BoardRole.CHAIR)
    login(client, outsider)
    for url in (pdf_url, statement_url, list_url):
        assert client.get(url).status_code == 404, url
    with scopes_disabled():
        assert Receipt.objects.get(pk=receipt.pk).print_count == 2  # the outsider printed nothing


def test_a_trustee_without_gift_rights_may_read_but_not_print(client, center, world):
    officer = world.trustee(center, BoardRole.ORGANIZATIONS_OFFICER)
    donor = _donor(world)
    with scope(center=[center.pk]):
        receipt = _gift(center, donor=donor).receipt
    login(client, officer)
    assert client.get(reverse("contributions:receipt-pdf", kwargs={
        "center_slug": center.slug, "receipt_id": receipt.pk})).status_code == 403
    assert client.get(reverse("contributions:donor-statement", kwargs={
        "center_slug": center.slug, "donor_id": donor.pk})).status_code == 200


def test_statement_of_a_donor_not_linked_to_the_center_is_404(client, center, world):
    chair = world.trustee(center, BoardRole.CHAIR)
    other = license_center(world.center())
    stranger = _donor(world, national_code="0012345679")
    with scopes_disabled():
        DonorLink.objects.create(center=other, donor=stranger)
    login(client, chair)
    assert client.get(reverse("contributions:donor-statement", kwargs={
        "center_slug": center.slug, "donor_id": stranger.pk})).status_code == 404


def test_api_lists_the_centers_receipts_only(client, center, world):
    chair = world.trustee(center, BoardRole.CHAIR)
    other = license_center(world.center())
    with scope(center=[center.pk]):
        mine = _gift(center).receipt
    with scope(center=[other.pk]):
        theirs = _gift(other).receipt
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=chair).key}"}
    listing = client.get("/api/v1/receipts/", **headers).json()
    assert [r["id"] for r in listing["results"]] == [mine.pk]
    assert listing["results"][0]["display_number"] == mine.display_number
    assert client.get(f"/api/v1/receipts/{theirs.pk}/", **headers).status_code == 404
    assert client.get(f"/api/v1/receipts/{mine.pk}/", **headers).json()["verification_code"] == mine.display_code


def test_admin_shows_receipts_read_only_to_supervisors(client, center, world):
    supervisor = world.supervisor(level="province")
    with scope(center=[center.pk]):
        receipt = _gift(center).receipt
    login(client, supervisor)
    assert client.get(reverse("admin:contributions_receipt_changelist")).status_code == 200
    change_url = reverse("admin:contributions_receipt_change", args=[receipt.pk])
    change = client.get(change_url)
    assert change.status_code == 200 and receipt.verification_code in change.content.decode()
    assert client.post(change_url, {"number": 7}).status_code == 403
    assert client.get(reverse("admin:contributions_receipt_add")).status_code == 403
    with scopes_disabled():
        assert Receipt.objects.get(pk=receipt.pk).number == 1
