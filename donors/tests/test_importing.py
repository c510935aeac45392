"""Excel import and export: a file with good and bad rows stores nothing and names each bad row; a good
file stores everything; exports import again; foreign or broken files get a clear answer, never a 500."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled
from openpyxl import Workbook, load_workbook

from centers.models import BoardRole
from conftest import login
from contributions.models import Contribution
from contributions.services import importing as contribution_importing
from contributions.services.gifts import contribution_record_cash
from core.digits import to_persian_digits
from core.jalali import format_jalali
from donors import importing, services
from donors.models import Donor, DonorLink, ImportRun

from .conftest import YESTERDAY, a_national_code

pytestmark = pytest.mark.django_db

JALALI_YESTERDAY = format_jalali(YESTERDAY, persian_digits=True)


def xlsx(rows, name="upload.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=importing.XLSX_CONTENT_TYPE)


def sheet(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _donor_count(center):
    with scope(center=[center.pk]):
        return services.donors_of(center).count()


DONOR_HEADER = ["نام", "نام خانوادگی", "کد ملی", "موبایل", "نام شخص حقوقی", "شناسه ملی", "ستونی که نمی‌شناسیم"]


def test_a_donor_file_with_bad_rows_stores_nothing_and_names_each_bad_row(center):
    good, repeated = a_national_code(), a_national_code()
    upload = xlsx([
        DONOR_HEADER,
        ["علی", "رضایی", to_persian_digits(good), "۰۹۱۲۱۲۳۴۵۶۷", None, None, "x"],      # row 2: good
        ["مریم", "حسینی", "0012345678", None, None, None, None],                          # row 3: bad checksum
        [None, None, None, None, None, None, "only an unknown column"],                   # ignored: empty
        ["زهرا", "موسوی", repeated, "0812", None, None, None],                             # row 5: bad mobile
        ["حسن", "قاسمی", repeated, None, None, None, None],                               # row 6: good
        ["رضا", "کریمی", repeated, None, None, None, None],                               # row 7: repeats row 6
        [None, None, None, "09121111111", None, None, None],                              # row 8: no name
    ])
    with scope(center=[center.pk]), translation.override("en"):
        result = importing.donors_import(center=center, upload=upload)
        content = result.error_workbook()
    assert not result.ok
    assert [row.number for row in result.bad_rows] == [3, 5, 7, 8]
    assert _donor_count(center) == 0
    rows = sheet(content)
    assert rows[0][:2] == ("ردیف", "Reason")
    reasons = {row[0]: row[1] for row in rows[1:]}
    assert set(reasons) == {3, 5, 7, 8}
    assert "check digit" in reasons[3]
    assert "mobile" in reasons[5].lower()
    assert "row 6" in reasons[7]
    assert "name" in reasons[8]
    assert rows[1][2:5] == ("مریم", "حسینی", None) or "مریم" in rows[1]


def test_a_good_donor_file_stores_every_row_and_links_known_donors(center, other_center):
    known = a_national_code()
    with scope(center=[other_center.pk]):
        existing = services.donor_create(center=other_center, first_name="علی", last_name="رضایی",
                                         national_code=known)
    from core.validators import legal_entity_check_digit

    legal_id = "1010765432" + str(legal_entity_check_digit("1010765432"))
    upload = xlsx([
        ["نوع خیر", *DONOR_HEADER],
        ["حقیقی", "فاطمه", "نوری", a_national_code(), 9131234567, None, None, None],  # mobile as a number
        [None, "علی", "رضایی", int(known), None, None, None, None],  # leading zeros lost in Excel still match
        ["حقوقی", None, None, None, None, "شرکت فولاد نمونه", legal_id, None],
        [None, "مهدی", "کاظمی", None, None, None, None, None],
    ])
    with scope(center=[center.pk]):
        result = importing.donors_import(center=center, upload=upload)
    assert result.ok, [(r.number, r.errors) for r in result.bad_rows]
    assert result.counts == {"created": 3, "linked": 1, "unchanged": 0}
    assert _donor_count(center) == 4
    with scopes_disabled():
        assert DonorLink.objects.get(center=center, donor=existing).source == "import"
        assert Donor.objects.get(legal_entity_id=legal_id).kind == "legal"
        assert Donor.objects.filter(mobile="09131234567").count() == 1


def test_donor_export_imports_again(center, other_center):
    with scope(center=[center.pk]):
        for n in range(3):
            services.donor_create(center=center, first_name="خیر", last_name=f"شماره {n}",
                                  national_code=a_national_code(), mobile=f"0912000000{n}")
        services.donor_create(center=center, first_name="بی‌کد", last_name="ملی")
        content = importing.donors_export(center=center)
    rows = sheet(content)
    assert rows[0][:3] == ("نوع خیر", "نام", "نام خانوادگی") and len(rows) == 5
    assert "/" in rows[1][10]  # the registration date, Jalali
    with scope(center=[other_center.pk]):
        result = importing.donors_import(center=other_center, upload=SimpleUploadedFile("d.xlsx", content))
    assert result.ok and result.counts == {"created": 1, "linked": 3, "unchanged": 0}
    # Importing the same list again changes nothing.
    with scope(center=[center.pk]):
        again = importing.donors_import(center=center, upload=SimpleUploadedFile("d.xlsx", content))
    assert again.ok and again.counts["unchanged"] == 3 and again.counts["created"] == 1  # the donor without a code


CONTRIBUTION_HEADER = ["تاریخ", "مبلغ (ریال)", "نیت", "کانال", "کد ملی خیر", "موبایل خیر", "شماره پیگیری"]


def test_a_contribution_file_with_bad_rows_stores_nothing_and_names_each_bad_row(center):
    code = a_national_code()
    with scope(center=[center.pk]):
        services.donor_create(center=center, first_name="علی", last_name="رضایی", national_code=code,
                              mobile="09121234567")
    upload = xlsx([
        CONTRIBUTION_HEADER,
        [JALALI_YESTERDAY, "۵٬۰۰۰٬۰۰۰", "زکات", "حضوری", code, None, "REF-1"],      # row 2: good
        ["1404/13/40", 1000, "general", None, None, None, None],                    # row 3: bad date
        [JALALI_YESTERDAY, -5, "general", None, None, None, None],                  # row 4: bad amount
        [JALALI_YESTERDAY, 1000, "نیت ناشناخته", "کبوتر نامه‌بر", None, None, None],  # row 5: purpose, channel
        [JALALI_YESTERDAY, 1000, "عمومی", "صندوق صدقات", a_national_code(), None, None],  # row 6: unknown donor
        [JALALI_YESTERDAY, 1000, "عمومی", None, None, "09351112233", None],         # row 7: unknown mobile
        [JALALI_YESTERDAY, 1000, "عمومی", None, None, None, "REF-1"],               # row 8: repeats row 2's ref
        [JALALI_YESTERDAY, 2000, "general", "bank_transfer", None, "۰۹۱۲۱۲۳۴۵۶۷", None],  # row 9: good
    ])
    with scope(center=[center.pk]), translation.override("en"):
        result = contribution_importing.contributions_import(center=center, upload=upload)
        content = result.error_workbook()
        assert not Contribution.objects.filter(center=center).exists()
    assert [row.number for row in result.bad_rows] == [3, 4, 5, 6, 7, 8]
    reasons = {row[0]: row[1] for row in sheet(content)[1:]}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "Jalali" in reasons[3] and "amount" in reasons[4]
    assert "purpose" in reasons[5] and "channel" in reasons[5]
    assert "national code" in reasons[6] and "mobile" in reasons[7] and "row 2" in reasons[8]


def test_a_good_contribution_file_records_and_confirms_every_row(center):
    code = a_national_code()
    with scope(center=[center.pk]):
        donor = services.donor_create(center=center, first_name="علی", last_name="رضایی", national_code=code,
                                      mobile="09121234567")
    upload = xlsx([
        CONTRIBUTION_HEADER,
        [JALALI_YESTERDAY, "5,000,000", "zakat", "واریز بانکی", to_persian_digits(code), None, "TR-77"],
        [format_jalali(YESTERDAY, persian_digits=False), 250000, "عمومی", "صندوق صدقات", None, None, None],
        [JALALI_YESTERDAY, 1_000_000.0, "صدقه", None, None, "۰۹۱۲۱۲۳۴۵۶۷", None],
    ])
    with scope(center=[center.pk]):
        result = contribution_importing.contributions_import(center=center, upload=upload)
        assert result.ok, [(r.number, r.errors) for r in result.bad_rows]
        assert result.counts == {"stored": 3, "total": 6_250_000}
        stored = list(Contribution.objects.filter(center=center).order_by("amount"))
    assert [(c.amount, c.donor_id, c.channel, c.status) for c in stored] == [
        (250_000, None, "charity_box", "confirmed"), (1_000_000, donor.pk, "in_person", "confirmed"),
        (5_000_000, donor.pk, "bank_transfer", "confirmed")]
    assert stored[2].external_reference == "TR-77" and stored[0].received_on == YESTERDAY


def test_contribution_export_imports_again_elsewhere(center, other_center):
    code = a_national_code()
    with scope(center=[center.pk, other_center.pk]):
        donor = services.donor_create(center=center, first_name="علی", last_name="رضایی", national_code=code)
        services.donor_create(center=other_center, national_code=code)  # linked there too
        contribution_record_cash(center=center, purpose="zakat", amount=3_000_000, received_on=YESTERDAY,
                                 donor=donor, channel="bank_transfer", external_reference="B-1")
        contribution_record_cash(center=center, purpose="general", amount=700_000, received_on=YESTERDAY,
                                 channel="charity_box")
        content = contribution_importing.contributions_export(center=center)
        rows = sheet(content)
        assert rows[1][0] == format_jalali(YESTERDAY, persian_digits=False)
        result = contribution_importing.contributions_import(center=other_center,
                                                             upload=SimpleUploadedFile("c.xlsx", content))
        assert result.ok, [(r.number, r.errors) for r in result.bad_rows]
        copied = {(c.amount, c.purpose.code, c.channel, c.donor_id, c.external_reference)
                  for c in Contribution.objects.filter(center=other_center)}
        original = {(c.amount, c.purpose.code, c.channel, c.donor_id, c.external_reference)
                    for c in Contribution.objects.filter(center=center)}
        assert copied == original and len(copied) == 2


@pytest.mark.parametrize("content", [b"name,mobile\nali,0912\n", b"PK\x03\x04 broken zip", b""])
def test_a_file_that_is_not_excel_is_a_clear_error(center, content):
    with scope(center=[center.pk]), translation.override("en"), pytest.raises(ValidationError) as caught:
        importing.donors_import(center=center, upload=SimpleUploadedFile("list.xlsx", content))
    assert caught.value.code == "not_excel"


def test_limits_and_missing_columns_are_clear_errors(center, monkeypatch):
    with scope(center=[center.pk]), translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            contribution_importing.contributions_import(center=center, upload=xlsx([["نام", "موبایل"], ["x", 1]]))
        assert caught.value.code == "missing_columns"
        monkeypatch.setattr(importing, "MAX_ROWS", 3)
        with pytest.raises(ValidationError) as caught:
            importing.donors_import(center=center, upload=xlsx([["نام"], *[[f"n{i}"] for i in range(5)]]))
        assert caught.value.code == "too_many_rows"
        monkeypatch.setattr(importing, "MAX_BYTES", 100)
        with pytest.raises(ValidationError) as caught:
            importing.donors_import(center=center, upload=xlsx([["نام"], ["علی"]]))
        assert caught.value.code == "file_too_large"


def test_import_pages_queue_a_task_that_reports_bad_rows_with_a_downloadable_error_file(
        client, world, center, django_capture_on_commit_callbacks):
    chair = world.trustee(center, BoardRole.CHAIR)
    login(client, chair)
    url = reverse("donors:contribution-import", kwargs={"center_slug": center.slug})
    assert client.get(url).status_code == 200
    upload = xlsx([CONTRIBUTION_HEADER, [JALALI_YESTERDAY, 1000, "general"], ["دیروز", 1000, "general"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload})
    assert response.status_code == 302
    with scopes_disabled():
        run = ImportRun.objects.get()
    assert response["Location"] == reverse("donors:import-detail",
                                           kwargs={"center_slug": center.slug, "import_id": run.pk})
    assert (run.status, run.row_count, run.bad_rows) == ("rejected", 2, [[3, run.bad_rows[0][1]]])
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Refresh" not in page
    error_file = client.get(reverse("donors:import-errors", kwargs={"center_slug": center.slug,
                                                                    "import_id": run.pk}))
    assert error_file.status_code == 200 and error_file["Content-Type"] == importing.XLSX_CONTENT_TYPE
    assert [row[0] for row in sheet(error_file.content)[1:]] == [3]
    with scopes_disabled():
        assert not Contribution.objects.exists()
    # A board member without the finance role cannot see it; another center's trustee gets 404.
    login(client, world.trustee(center, BoardRole.SOCIAL_WORK_OFFICER))
    assert client.get(response["Location"]).status_code == 403
    login(client, world.trustee(world.center(), BoardRole.CHAIR))
    assert client.get(response["Location"]).status_code == 404
    # A good file is stored by the task and its page says so.
    login(client, chair)
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(url, {"file": xlsx([CONTRIBUTION_HEADER, [JALALI_YESTERDAY, 1000, "general"]])})
    done = client.get(ok["Location"])
    assert done.context["run"].status == "done" and done.context["run"].counts == {"stored": 1, "total": 1000}
    with scopes_disabled():
        assert Contribution.objects.filter(center=center, amount=1000, status="confirmed").count() == 1


def test_a_queued_import_page_refreshes_itself_and_a_redelivered_task_does_nothing_twice(client, world, center):
    chair = world.trustee(center, BoardRole.CHAIR)
    login(client, chair)
    upload = xlsx([DONOR_HEADER, ["علی", "رضایی", a_national_code()]])
    with scope(center=[center.pk]):
        run = importing.import_request(center=center, kind="donors", upload=upload, user=chair)  # not run yet
    page = client.get(reverse("donors:import-detail", kwargs={"center_slug": center.slug, "import_id": run.pk}))
    assert page["Refresh"] == "3"
    from donors.tasks import run_import

    assert run_import.apply(kwargs={"center_id": center.pk, "run_id": run.pk}).get() == "done"
    assert run_import.apply(kwargs={"center_id": center.pk, "run_id": run.pk}).get() == "done"
    assert _donor_count(center) == 1


def test_import_page_answers_a_non_excel_upload_with_a_form_error(client, world, center):
    login(client, world.trustee(center, BoardRole.CHAIR))
    url = reverse("donors:donor-import", kwargs={"center_slug": center.slug})
    response = client.post(url, {"file": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 not a sheet")})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    with scopes_disabled():
        assert not ImportRun.objects.exists()


def test_templates_and_exports_download_for_the_right_roles_only(client, world, center):
    login(client, world.trustee(center, BoardRole.CHAIR))
    slug = {"center_slug": center.slug}
    for name in ("donors:donor-import-template", "donors:contribution-import-template", "donors:donor-export",
                 "donors:contribution-export"):
        response = client.get(reverse(name, kwargs=slug))
        assert response.status_code == 200 and response["Content-Type"] == importing.XLSX_CONTENT_TYPE, name
        assert sheet(response.content)[0][0], name
    login(client, world.trustee(center, BoardRole.SOCIAL_WORK_OFFICER))
    for name in ("donors:donor-export", "donors:contribution-export", "donors:donor-import"):
        assert client.get(reverse(name, kwargs=slug)).status_code == 403, name


def test_exported_text_is_never_a_formula(center):
    with scope(center=[center.pk]):
        services.donor_create(center=center, first_name='=HYPERLINK("http://evil.example","x")', last_name="ب")
        content = importing.donors_export(center=center)
    cell = load_workbook(io.BytesIO(content)).active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
