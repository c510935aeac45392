"""Demo loans and plans: at «isf-jame» a few interest-free loans in every state (requested, approved, being
repaid with an overdue instalment, repaid) from its qard al-hasan fund, and two employment and empowerment
plans (one funded by a loan and donated lessons). Everything goes through the services, so the ledger holds
exactly what a trustee's forms would have posted. Idempotent: a household that already has a loan (or a
plan) is left alone, and the fund's gift has a fixed reference."""

import datetime

from django.utils import timezone

from beneficiaries import crypto, services
from beneficiaries.models import EmpowermentPlan, Loan, Member
from centers.access import actor_for
from contributions.services.ledger import cash_received
from core.validators import national_code_check_digit

CENTER = "isf-jame"
FUND_GIFT = 400_000_000  # rials given to the qard al-hasan fund


def _head(center, digits: str):
    code = digits + str(national_code_check_digit(digits))
    member = (Member.objects.filter(center=center, relation="head", national_code_index=crypto.blind_index(code))
              .select_related("household").first())
    return member.household if member else None


# (head's nine digits, amount, purpose, note, instalments, requested days ago, first due days ago (− = ahead),
#  the state to bring it to, repayments [(rials, days ago)])
LOANS = [
    ("128301562", 60_000_000, "small_business", "خرید دستگاه و مواد اولیه کارگاه کوچک تعمیر لوازم خانگی", 12,
     110, 70, "repaying", [(5_000_000, 65), (5_000_000, 30)]),
    ("128301895", 24_000_000, "marriage", "هزینه‌های آغاز زندگی مشترک", 3, 130, 95, "repaid",
     [(8_000_000, 94), (16_000_000, 40)]),
    ("128301784", 30_000_000, "housing_repair", "تعمیر سقف و عایق‌کاری منزل", 10, 6, -25, "approved", []),
    ("128301457", 20_000_000, "treatment", "هزینه درمان و دارو", 5, 2, -30, "requested", []),
]


def seed(ctx):
    center = ctx.centers.get(CENTER)
    if center is None:
        return
    today = timezone.localdate()
    vice_chair = actor_for(ctx.users[f"{CENTER}-vice-chair"], second_factor_passed=True)
    finance = actor_for(ctx.users[f"{CENTER}-finance-officer"], second_factor_passed=True)
    cash_received(center=center, purpose=services.LOAN_PURPOSE, amount=FUND_GIFT, reference=f"demo-qard-{CENTER}",
                  occurred_on=today - datetime.timedelta(days=150))
    loans = {}
    for digits, amount, purpose, note, count, requested, first_due, state, repayments in LOANS:
        household = _head(center, digits)
        if household is None:
            continue
        existing = Loan.objects.filter(center=center, household=household).first()
        if existing is not None:
            loans[digits] = existing
            continue
        loan = services.loan_request(
            actor=vice_chair, household=household, borrower=household.head, amount=amount, purpose=purpose,
            purpose_note=note, instalment_count=count, requested_on=today - datetime.timedelta(days=requested),
            first_due_on=today - datetime.timedelta(days=first_due),
            guarantors=[services.GuarantorInput("ناصر امینی", "سفته ضمانت"),
                        services.GuarantorInput("حمید توکلی", "کسر از حقوق")][: 1 + count % 2])
        if state != "requested":
            loan = services.loan_approve(actor=vice_chair, loan=loan, note="مصوب جلسه هیئت امنا")
        if state in ("repaying", "repaid"):
            loan = services.loan_disburse(actor=finance, loan=loan,
                                          disbursed_on=today - datetime.timedelta(days=requested - 5))
            for n, (paid, days_ago) in enumerate(repayments):
                services.loan_record_repayment(actor=finance, loan=loan, amount=paid, reference=f"DEMO-{loan.pk}-{n}",
                                               received_on=today - datetime.timedelta(days=days_ago))
        loans[digits] = loan
    services.loan_mark_overdue(center=center)
    _plans(ctx, center, loans, vice_chair)


def _plans(ctx, center, loans, actor):
    today = timezone.localdate()
    days = datetime.timedelta
    household = _head(center, "128301562")
    if household is not None and not EmpowermentPlan.objects.filter(center=center, household=household).exists():
        plan = services.plan_create(
            actor=actor, household=household, goal="small_business", title="کارگاه تعمیر لوازم خانگی",
            description="راه‌اندازی کارگاه کوچک در محله با وام قرض‌الحسنه و آموزش رایگان یک استادکار خیر.",
            started_on=today - days(100), target_on=today + days(200),
            milestones=[("گذراندن دوره تعمیرات لوازم خانگی", today - days(60)),
                        ("اجاره و تجهیز محل کارگاه", today + days(10)),
                        ("رسیدن به درآمد ماهانه پایدار", today + days(180))])
        first = plan.milestones.order_by("due_on").first()
        services.milestone_update(actor=actor, milestone=first, status="done", done_on=today - days(58),
                                  evidence="گواهی پایان دوره از آموزشگاه فنی و حرفه‌ای")
        if "128301562" in loans:
            services.funding_add(actor=actor, plan=plan, kind="loan", loan=loans["128301562"])
        services.funding_add(actor=actor, plan=plan, kind="service", description="آموزش عملی توسط استادکار خیر",
                             quantity=40, unit="ساعت")
        services.plan_follow_up(actor=actor, plan=plan, follow_up="needs_attention", on=today - days(5),
                                note="قسط سوم عقب افتاده؛ مشتریان کارگاه هنوز کم‌اند.")
    household = _head(center, "128301784")
    if household is not None and not EmpowermentPlan.objects.filter(center=center, household=household).exists():
        services.plan_create(
            actor=actor, household=household, goal="home_business", title="خیاطی خانگی",
            description="آموزش خیاطی و تهیه چرخ خیاطی برای درآمد از منزل.", started_on=today - days(20),
            milestones=[("ثبت‌نام در دوره خیاطی", today - days(5)), ("دریافت چرخ خیاطی اهدایی", today + days(20))])
