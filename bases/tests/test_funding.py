"""Performance-based funding: the score is reproducible from the records (recomputed here independently,
from the report rows and the documented formula), and the supervisor's adjustment is recorded and used."""

import datetime
import random
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope, scopes_disabled

from bases.models import ActivityReport, AllocationAdjustment
from bases.services import agreements as services
from bases.services import funding
from centers import access

from . import helpers

pytestmark = pytest.mark.django_db

WEIGHTS = {"achievement": 70, "completion": 30, "cap": 1,
           "activity_weights": {"education": 1, "collective_action": 3, "counselling": 2},
           "min_factor": Decimal("0.5"), "max_factor": Decimal("1.5"), "rounding": 1_000_000}


def _actor(user):
    return access.actor_for(user, second_factor_passed=True)


def _independent_score(agreement_id, weights):
    """The documented formula, from the database rows with plain SQL and decimal arithmetic."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.id, c.activity, c.target, COALESCE(SUM(r.achieved), 0)
               FROM bases_commitment c
               JOIN bases_baseagreement a ON a.id = c.agreement_id
               LEFT JOIN bases_activityreport r ON r.commitment_id = c.id
                    AND r.reported_on BETWEEN a.starts_on AND COALESCE(LEAST(a.terminated_on, a.ends_on), a.ends_on)
               WHERE c.agreement_id = %s GROUP BY c.id, c.activity, c.target ORDER BY c.id""", [agreement_id])
        rows = cursor.fetchall()
    with localcontext() as ctx:
        ctx.prec = 50
        cap = Decimal(weights["cap"])
        weighted = total = met = Decimal(0)
        for _pk, activity, target, achieved in rows:
            w = Decimal(weights["activity_weights"].get(activity, 1))
            weighted += w * min(Decimal(achieved) / Decimal(target), cap)
            total += w
            met += 1 if achieved >= target else 0
        achievement = weighted / (cap * total)
        completion = met / len(rows)
        a, c = Decimal(weights["achievement"]), Decimal(weights["completion"])
        score = int((100 * (a * achievement + c * completion) / (a + c)).quantize(Decimal(1), ROUND_HALF_UP))
    return score


def _independent_allocation(budget, score, weights):
    low, high = weights["min_factor"], weights["max_factor"]
    amount = Decimal(budget) * (low + (high - low) * Decimal(score) / 100)
    return int((amount / weights["rounding"]).quantize(Decimal(1), ROUND_FLOOR)) * weights["rounding"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_score_is_reproducible_from_the_records(bw, settings, seed):
    settings.BASES_SCORE_WEIGHTS = WEIGHTS
    rng = random.Random(seed)
    agreement = helpers.agreement(bw.base, bw.ngo, year=bw.agreement.jalali_year - 1, user=bw.chair,
                                  budget=rng.randrange(10**8, 10**10),
                                  commitments=[("education", rng.randint(1, 30)),
                                               ("collective_action", rng.randint(1, 8)),
                                               ("counselling", rng.randint(1, 50)),
                                               ("partnership", rng.randint(1, 5))])
    with scopes_disabled():
        for commitment in agreement.commitments.all():
            for _ in range(rng.randint(0, 4)):
                ActivityReport.objects.create(
                    center=bw.base, commitment=commitment, achieved=rng.randint(1, 12), description="x",
                    reported_on=agreement.starts_on + datetime.timedelta(days=rng.randint(0, 360)),
                    recorded_by=bw.chair)
        # A report outside the year counts for nothing.
        ActivityReport.objects.create(center=bw.base, commitment=agreement.commitments.first(), achieved=99,
                                      description="x", reported_on=agreement.ends_on + datetime.timedelta(days=1),
                                      recorded_by=bw.chair)
    with scope(center=[bw.base.pk]):
        breakdown = funding.score_breakdown(agreement)
    expected = _independent_score(agreement.pk, WEIGHTS)
    assert breakdown.score == expected
    assert breakdown.proposed_allocation == _independent_allocation(agreement.budget, expected, WEIGHTS)
    assert 0 <= breakdown.score <= 100


def test_a_fully_met_agreement_scores_100_and_an_empty_one_0(bw, settings):
    settings.BASES_SCORE_WEIGHTS = WEIGHTS
    with scope(center=[bw.base.pk]):
        assert funding.score_breakdown(bw.agreement).score == 0
        assert funding.score_breakdown(bw.agreement).proposed_allocation == bw.agreement.budget // 2
    with scopes_disabled():
        for commitment in bw.agreement.commitments.all():
            ActivityReport.objects.create(center=bw.base, commitment=commitment, achieved=commitment.target * 2,
                                          description="x", reported_on=bw.agreement.starts_on, recorded_by=bw.chair)
    with scope(center=[bw.base.pk]):
        breakdown = funding.score_breakdown(bw.agreement)
    assert breakdown.score == 100
    assert all(row.percent == 100 for row in breakdown.rows)  # over-achievement is capped
    assert breakdown.proposed_allocation == bw.agreement.budget * 3 // 2


def test_the_supervisor_adjusts_the_allocation_with_a_recorded_reason(bw):
    with scope(center=[bw.base.pk]):
        with pytest.raises(ValidationError) as no_reason:
            funding.allocation_adjust(actor=_actor(bw.county_supervisor), agreement=bw.agreement, amount=5, reason="")
        assert no_reason.value.code == "reason_required"
        proposed = funding.score_breakdown(bw.agreement).proposed_allocation
        adjustment = funding.allocation_adjust(actor=_actor(bw.county_supervisor), agreement=bw.agreement,
                                               amount=1_500_000_000, reason="نیاز بیشتر منطقه")
        assert (adjustment.proposed, adjustment.amount, adjustment.decided_by) == (
            proposed, 1_500_000_000, bw.county_supervisor)
        services.performance_decide(actor=_actor(bw.deputy), agreement=bw.agreement, approve=True)
        renewed = services.agreement_renew(actor=_actor(bw.county_supervisor), agreement=bw.agreement)
    assert renewed.budget == 1_500_000_000


def test_adjustments_are_append_only(bw):
    with scope(center=[bw.base.pk]):
        adjustment = funding.allocation_adjust(actor=_actor(bw.county_supervisor), agreement=bw.agreement,
                                               amount=10, reason="دلیل")
    from django.db import ProgrammingError, transaction

    with scopes_disabled(), pytest.raises(ProgrammingError), transaction.atomic():
        AllocationAdjustment.objects.filter(pk=adjustment.pk).update(amount=20)
