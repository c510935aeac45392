"""Excel import of a household register (issue 5.9): row-by-row validation with each row's reasons, each household
stored whole or not at all, codes encrypted, people already registered reported and not registered twice."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from beneficiaries import crypto, importing
from beneficiaries.models import Household, HouseholdImport, Member
from beneficiaries.tests.helpers import national_code, register
from centers.access import actor_for
from centers.models import BoardRole
from conftest import login
from core.digits import to_persian_digits
from donors.importing import workbook

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in importing.COLUMNS]


def row(household, relation, first, last, code, gender, birth, **extra):
    values = {"household": household, "relation": relation, "first_name": first, "last_name": last,
              "national_code": code, "gender": gender, "birth_date": birth, **extra}
    return [values.get(c.key) for c in importing.COLUMNS]


def head(household, first, last, code, **extra):
    facts = {"address": f"اصفهان، محله {last}، کوچه ۷", "county": "اصفهان", "village": "محله جلفا",
             "area": "شهری", "housing": "استیجاری", "income": "۶۰٬۰۰۰٬۰۰۰", "insurance": "ندارد",
             "mobile": "۰۹۱۲۳۴۵۶۷۸۹", "consent_on": "1403/12/01"}
    facts.update(extra)
    return row(household, "سرپرست", first, last, code, "زن", "1360/01/01", **facts)


def upload(rows, headers=HEADERS):
    return SimpleUploadedFile("register.xlsx", workbook("خانوارها", headers, rows))


def run_import(center, user, rows):
    with scope(center=[center.pk]):
        return importing.households_import(actor=actor_for(user, second_factor_passed=True), center=center,
                                           upload=upload(rows))


def test_good_households_are_registered_with_codes_encrypted(center, vice_chair):
    rows = [head(1, "مریم", "کاظمی", national_code(701)),
            row(1, "فرزند", "علی", "کاظمی", to_persian_digits(national_code(702)), "مرد", "1392/03/04", orphan="بله"),
            row(1, "همسر", "رضا", "کاظمی", "", "مرد", "1358/02/02", work="از کار افتاده", disability="دارد"),
            head("B-2", "زهرا", "نوری", national_code(703), area="روستایی", housing="ملکی", county="کاشان")]
    result = run_import(center, vice_chair, rows)
    assert result.counts == {"households": 2, "people": 4, "already_registered": 0, "rejected": 0}
    assert not result.bad_rows
    with scopes_disabled():
        first = Member.objects.get(national_code_index=crypto.blind_index(national_code(701))).household
        assert first.member_count == 3 and first.priority_score > 0
        assert crypto.decrypt(first.mobile_ciphertext, purpose=crypto.MOBILE) == "09123456789"
        orphan = Member.objects.get(first_name="علی", household=first)
        assert orphan.is_orphan and orphan.national_code_ciphertext.startswith("v1.")
        assert national_code(702) not in orphan.national_code_ciphertext
        spouse = Member.objects.get(first_name="رضا")
        assert spouse.has_disability and spouse.work_status == "unable" and spouse.national_code_index == ""
        second = Member.objects.get(first_name="زهرا").household
        assert (second.area, second.housing, second.county.name) == ("rural", "owned", "کاشان")


def test_each_bad_row_gets_its_reasons_and_its_household_is_not_half_imported(center, vice_chair):
    rows = [head(1, "مریم", "کاظمی", national_code(711)),
            row(1, "فرزند", "علی", "کاظمی", "1234567890", "مرد", "1392/03/04"),  # bad check digit
            row(1, "فرزند", "", "کاظمی", "", "نامعلوم", "1392/13/40"),  # three problems in one row
            head(2, "زهرا", "نوری", national_code(712), housing="کاخ"),  # unknown housing
            row(3, "فرزند", "حسن", "صادقی", "", "مرد", "1390/01/01"),  # a household without a head
            head(4, "لیلا", "موسوی", national_code(713)),  # a good one: stored
            row(4, "فرزند", "سارا", "موسوی", national_code(711), "زن", "1395/01/01")]  # code repeated from row 2
    result = run_import(center, vice_chair, rows)
    assert result.counts["households"] == 0 and result.counts["rejected"] == 4
    reasons = {r.number: r.errors for r in result.bad_rows}
    assert set(reasons) == {2, 3, 4, 5, 6, 7, 8}
    assert len(reasons[4]) >= 2  # the gender and the date (each with its own reason)
    # A good row of a bad household names the household's wrong rows.
    assert "3" in " ".join(reasons[2]) and "4" in " ".join(reasons[2])
    assert "8" in " ".join(reasons[7]) and "2" in " ".join(reasons[8])
    with scopes_disabled():
        assert not Household.objects.filter(center=center).exists()
    book = load_workbook(io.BytesIO(result.error_workbook()))
    sheet = book.active
    assert [c.value for c in sheet[1]][:2] == ["ردیف", sheet.cell(1, 2).value]
    assert sorted(sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)) == [2, 3, 4, 5, 6, 7, 8]


def test_a_bad_household_does_not_hold_back_the_good_ones(center, vice_chair):
    rows = [head(1, "مریم", "کاظمی", national_code(721)),
            head(2, "زهرا", "نوری", national_code(722), consent_on="دیروز")]
    result = run_import(center, vice_chair, rows)
    assert result.counts["households"] == 1 and result.counts["rejected"] == 1
    assert [r.number for r in result.bad_rows] == [3]


def test_people_already_registered_are_reported_not_duplicated(center, vice_chair):
    register(center, vice_chair, head_code=national_code(731))
    rows = [head(1, "مریم", "رضایی", national_code(731)), row(1, "فرزند", "علی", "رضایی", "", "مرد", "1392/03/04"),
            head(2, "زهرا", "نوری", national_code(732))]
    result = run_import(center, vice_chair, rows)
    assert result.counts == {"households": 1, "people": 1, "already_registered": 1, "rejected": 0}
    assert result.already_registered == [2, 3]
    # The same file again: everything is reported as already registered, nothing doubles.
    again = run_import(center, vice_chair, rows)
    assert again.counts == {"households": 0, "people": 0, "already_registered": 2, "rejected": 0}
    with scopes_disabled():
        assert Household.objects.filter(center=center).count() == 2


def test_the_pages_upload_run_the_task_and_show_the_rows(client, world, center, vice_chair,
                                                         django_capture_on_commit_callbacks):
    login(client, vice_chair)
    url = reverse("beneficiaries:household-import", kwargs={"center_slug": center.slug})
    template = client.get(reverse("beneficiaries:household-import-template", kwargs={"center_slug": center.slug}))
    assert template.status_code == 200
    assert [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]] == HEADERS
    not_excel = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert not_excel.status_code == 400
    with scopes_disabled():
        assert not HouseholdImport.objects.exists()
    rows = [head(1, "مریم", "کاظمی", national_code(741)), head(2, "زهرا", "نوری", "123")]
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued on commit, run eagerly
        response = client.post(url, {"file": upload(rows)})
    assert response.status_code == 302
    with scopes_disabled():
        run = HouseholdImport.objects.get()
    assert run.status == "done" and run.counts["households"] == 1 and bytes(run.upload) == b""
    assert [n for n, _reasons in run.bad_rows] == [3]
    page = client.get(response["Location"])
    assert page.status_code == 200 and to_persian_digits(3) in page.content.decode()
    errors = client.get(reverse("beneficiaries:household-import-errors", kwargs={
        "center_slug": center.slug, "household_import_id": run.pk}))
    assert errors.status_code == 200
    # A role that may not register households gets 403; an outsider 404.
    login(client, world.trustee(center, BoardRole.FINANCE_OFFICER))
    assert client.get(url).status_code == 403
    login(client, world.trustee(world.center(), BoardRole.CHAIR))
    assert client.get(url).status_code == 404
