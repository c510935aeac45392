"""Row-level security on the loan and plan tables: a raw query through the application's role, with another
center set, sees none of this center's loans, guarantors, instalments, repayments or plans."""

import importlib

import pytest
from django.db import connection
from django_scopes import scope

from beneficiaries import services

from .helpers import national_code, register
from .loan_helpers import actor, fund, request_loan
from .test_rls import _as_app_role

pytestmark = pytest.mark.django_db

TABLES = importlib.import_module("beneficiaries.migrations.0006_loans_rls_sql").TABLES


@pytest.mark.parametrize("table", TABLES)
def test_app_role_with_another_center_set_sees_no_loan_or_plan_row(world, center, vice_chair, table):
    from centers.models import BoardRole
    from contributions.tests.conftest import license_center

    theirs = license_center(world.center())
    world.trustee(theirs, BoardRole.VICE_CHAIR)
    household = register(center, vice_chair, head_code=national_code(601))
    fund(center, 10_000_000, "qard-rls-1")
    loan = request_loan(center, vice_chair, household, amount=3_000_000, instalment_count=3)
    with scope(center=[center.pk]):
        a = actor(vice_chair)
        services.loan_approve(actor=a, loan=loan)
        loan = services.loan_disburse(actor=a, loan=loan)
        services.loan_record_repayment(actor=a, loan=loan, amount=500_000, reference="RLS-1",
                                       received_on=loan.disbursed_on)
        plan = services.plan_create(actor=a, household=household, goal="job_placement", title="معرفی به کارگاه",
                                    started_on=loan.disbursed_on, milestones=[("مصاحبه", loan.first_due_on)])
        services.funding_add(actor=a, plan=plan, kind="loan", loan=loan)
    query = f"SELECT count(*) FROM {table} WHERE center_id = %s"  # noqa: S608 - table names are constants
    assert _as_app_role([theirs.pk], query, [center.pk]) == [(0,)]
    assert _as_app_role([], query, [center.pk]) == [(0,)]
    assert _as_app_role([center.pk], query, [center.pk])[0][0] >= 1  # the zero above is the policy
    with connection.cursor() as cursor:
        cursor.execute(query, [center.pk])
        assert cursor.fetchone()[0] >= 1
