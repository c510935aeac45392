"""generate_scale_data: a small run is consistent, counts are as asked, a seed gives the same data, --reset."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django_scopes import scopes_disabled

from beneficiaries import crypto
from beneficiaries.models import Household
from beneficiaries.priority import compute, facts_for
from contributions.models import Account, Posting
from contributions.services.ledger import spend
from core.validators import normalize_national_code
from reporting.scale.checks import CHECKS, run_checks
from reporting.scale.spec import ScaleSpec

UNTIL = datetime.date.today() - datetime.timedelta(days=1)  # noqa: DTZ011 - a calendar day
SMALL = ["--scale", "0.001", "--until", UNTIL.isoformat()]
# Columns that differ between two loads of one seed by design: fresh AES-GCM nonces, salted password hashes,
# the time the users were made.
VOLATILE = {"national_code_ciphertext", "mobile_ciphertext", "password", "date_joined"}
TABLES = ["centers_center", "centers_license", "centers_complaint", "centers_complaintevent", "donors_donor",
          "donors_donorlink", "contributions_contribution", "contributions_ledgertransaction", "contributions_posting",
          "contributions_stocklot", "beneficiaries_household", "beneficiaries_member", "beneficiaries_assessment",
          "beneficiaries_aiddistribution", "contributions_pledge", "contributions_pledgeinstalment",
          "beneficiaries_loan", "beneficiaries_loanrepayment", "beneficiaries_sponsorship", "accounts_user"]


def _digest() -> dict[str, str]:
    out = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                           "ORDER BY ordinal_position", [table])
            columns = [c for (c,) in cursor.fetchall() if c not in VOLATILE]
            cursor.execute(f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t.id)) "  # noqa: S608
                           f"FROM (SELECT {', '.join(columns)} FROM {table}) t")
            out[table] = cursor.fetchone()
    return out


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - test's own table names
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_small_run_is_consistent_and_has_the_counts_asked():
    call_command("generate_scale_data", *SMALL)
    spec = ScaleSpec.build(scale=0.001, until=UNTIL)
    assert _count("centers_center") == spec.centers_per_province == 2
    assert _count("donors_donor") == spec.donors_per_province == 200
    assert _count("contributions_contribution") == spec.contributions_per_province == 2000
    assert _count("beneficiaries_household") == spec.households_per_province == 100
    with connection.cursor() as cursor:
        results = run_checks(cursor)
        assert len(results) == len(CHECKS) >= 20
        assert results == dict.fromkeys(results, 0)
        # Every kind of row the reports read is there.
        for table in ("contributions_posting", "beneficiaries_member", "beneficiaries_aiddistribution",
                      "contributions_pledgepayment", "beneficiaries_loanrepayment", "centers_complaintevent",
                      "centers_license", "contributions_campaign", "contributions_stocklot"):
            assert _count(table) > 0, table
        # The load ends with helper A's rollups rebuilt from these rows.
        for table in ("reporting_monthfigure", "reporting_donoryear", "reporting_servedyear"):
            assert _count(table) > 0, table
        cursor.execute("SELECT count(DISTINCT kind) FROM contributions_contribution")
        assert cursor.fetchone()[0] == 4
        cursor.execute("SELECT min(received_on), max(received_on) FROM contributions_contribution")
        first, last = cursor.fetchone()
        assert spec.start <= first and last <= UNTIL
        assert (last - first).days > 365 * 2  # three Jalali years, the last one partly


@pytest.mark.django_db
def test_loaded_data_is_valid_for_the_app():
    call_command("generate_scale_data", *SMALL)
    with scopes_disabled():
        household = Household.objects.filter(status="active").order_by("pk").first()
        members = list(household.members.all())
        head = next(m for m in members if m.relation == "head")
        code = crypto.decrypt(head.national_code_ciphertext, purpose="national_code")
        assert normalize_national_code(code) == code
        assert crypto.blind_index(code) == head.national_code_index
        assert crypto.decrypt(household.mobile_ciphertext, purpose="mobile").startswith("09")
        current = list(household.assessments.filter(is_current=True))
        assert compute(facts_for(household, members, current, on=UNTIL)).score == household.priority_score
        # The ledger's own triggers accept the next real transaction on a loaded fund, and refuse an overdraft.
        fund = (Account.objects.filter(kind="fund", purpose__code="zakat", center=household.center)
                .first())
        balance = sum(Posting.objects.filter(account=fund).values_list("amount", flat=True))
        assert balance > 0
        spend(center=household.center, purpose="zakat", amount=balance, aid_purpose="zakat", occurred_on=UNTIL)
        assert sum(Posting.objects.filter(account=fund).values_list("amount", flat=True)) == 0
        with pytest.raises(ValidationError), transaction.atomic():
            spend(center=household.center, purpose="zakat", amount=10_000, aid_purpose="zakat", occurred_on=UNTIL)


@pytest.mark.django_db
def test_the_checks_catch_a_broken_ledger():
    call_command("generate_scale_data", *SMALL)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # as the load does: triggers off
        cursor.execute("SELECT id, center_id FROM contributions_posting ORDER BY id LIMIT 1")
        posting_id, _center = cursor.fetchone()
        cursor.execute("UPDATE contributions_posting SET amount = amount + 1 WHERE id = %s", [posting_id])
        cursor.execute("SET LOCAL session_replication_role = origin")
        results = run_checks(cursor)
    assert results["transaction unbalanced or with fewer than two postings"] == 1


@pytest.mark.django_db
def test_same_seed_same_data_and_reset_replaces_it():
    call_command("generate_scale_data", *SMALL, "--seed", "7")
    first = _digest()
    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_scale_data", *SMALL, "--seed", "7")
    call_command("generate_scale_data", *SMALL, "--seed", "7", "--reset")
    assert _digest() == first  # same seed, same rows (and --reset left nothing of the first load behind)
    call_command("generate_scale_data", *SMALL, "--seed", "8", "--reset")
    other = _digest()
    assert other["contributions_contribution"][0] == first["contributions_contribution"][0]  # same counts...
    assert other["contributions_contribution"][1] != first["contributions_contribution"][1]  # ...other gifts
