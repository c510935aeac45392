"""Performance-based funding (seed 004, §5: "funds are estimated from the institution's performance and the
needs of the area and paid to the contracting NGO").

**The score** (0–100, a whole number) is computed only from the agreement's commitments and the base's own
``ActivityReport`` rows, so anyone can recompute it from the records:

- for each commitment *i*: ``achieved_i`` = the sum of its reports dated inside the agreement's period (up to
  an early termination), ``ratio_i = min(achieved_i / target_i, cap)``;
- ``achievement = Σ w_i · ratio_i / (cap · Σ w_i)`` with ``w_i`` the weight of the commitment's activity kind
  (``activity_weights``; a kind not listed weighs 1);
- ``completion`` = the share of commitments whose ``achieved_i ≥ target_i``;
- ``score = round(100 · (A · achievement + C · completion) / (A + C))`` with ``A`` = ``achievement`` and
  ``C`` = ``completion`` of the weights (half rounds up). No commitments: score 0.

**The proposed allocation** for the next year is
``floor_to(budget · (min_factor + (max_factor − min_factor) · score / 100), rounding)``:
a base that met everything gets ``max_factor`` times this year's budget, one that met nothing
``min_factor`` times it, rounded down to a multiple of ``rounding`` rials. All arithmetic is exact
(fractions), never floating point.

The weights are ``DEFAULT_WEIGHTS``, overridable key by key in ``settings.BASES_SCORE_WEIGHTS`` (and
``activity_weights`` kind by kind). A supervisor sees the breakdown and may set another amount with a
recorded reason (``allocation_adjust``); the renewal takes the latest adjusted amount, else the proposal.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from bases.models import ActivityKind, ActivityReport, AllocationAdjustment, BaseAgreement
from centers import access

DEFAULT_WEIGHTS: dict = {
    "achievement": 80,  # weight of the weighted mean of achievement ratios
    "completion": 20,  # weight of the share of commitments fully met
    "cap": 1,  # a ratio counts at most this much (1: over-achievement earns nothing extra)
    "activity_weights": {  # community work counts double (seed 004 §4 is built around it)
        ActivityKind.NEEDS_ASSESSMENT: 2,
        ActivityKind.HARM_MAPPING: 2,
        ActivityKind.PARTICIPATORY_PLANNING: 2,
        ActivityKind.COLLECTIVE_ACTION: 2,
    },
    "min_factor": Fraction(6, 10),  # next budget ÷ this budget at score 0
    "max_factor": Fraction(12, 10),  # ... and at score 100
    "rounding": 1_000_000,  # rials
}


def weights() -> dict:
    configured = getattr(settings, "BASES_SCORE_WEIGHTS", {}) or {}
    merged = {**DEFAULT_WEIGHTS, **{k: v for k, v in configured.items() if k != "activity_weights"}}
    merged["activity_weights"] = {**DEFAULT_WEIGHTS["activity_weights"],
                                  **configured.get("activity_weights", {})}
    return merged


@dataclass(frozen=True)
class CommitmentScore:
    commitment_id: int
    activity: str
    activity_label: str
    description: str
    unit: str
    target: int
    achieved: int
    ratio: Fraction  # capped
    weight: int
    met: bool

    @property
    def percent(self) -> int:
        return _round(self.ratio * 100)


@dataclass(frozen=True)
class ScoreBreakdown:
    rows: list[CommitmentScore]
    achievement: Fraction
    completion: Fraction
    score: int
    budget: int
    proposed_allocation: int
    weights: dict

    @property
    def achievement_percent(self) -> int:
        return _round(self.achievement * 100)

    @property
    def completion_percent(self) -> int:
        return _round(self.completion * 100)


def _round(value: Fraction) -> int:
    """Half rounds up (not Python's banker's rounding), so a person doing it by hand gets the same."""
    return int((value * 2 + 1) // 2)


def achieved_by_commitment(agreement: BaseAgreement) -> dict[int, int]:
    """Sum of the reports of each commitment dated inside the agreement's period (one query)."""
    rows = (ActivityReport.objects.filter(center_id=agreement.center_id, commitment__agreement=agreement,
                                          reported_on__gte=agreement.starts_on, reported_on__lte=agreement.last_day)
            .values("commitment_id").annotate(total=Sum("achieved")))
    return {row["commitment_id"]: row["total"] or 0 for row in rows}


def score_breakdown(agreement: BaseAgreement) -> ScoreBreakdown:
    """The agreement's score, every part of it, and the allocation it proposes for the next year."""
    w = weights()
    cap = Fraction(w["cap"])
    achieved = achieved_by_commitment(agreement)
    rows = []
    for c in agreement.commitments.filter(center_id=agreement.center_id).order_by("pk"):
        done = achieved.get(c.pk, 0)
        ratio = min(Fraction(done, c.target), cap)
        rows.append(CommitmentScore(
            commitment_id=c.pk, activity=c.activity, activity_label=str(c.get_activity_display()),
            description=c.description, unit=c.unit, target=c.target, achieved=done, ratio=ratio,
            weight=int(w["activity_weights"].get(c.activity, 1)), met=done >= c.target))
    total_weight = sum(r.weight for r in rows)
    if rows and total_weight:
        achievement = sum((r.weight * r.ratio for r in rows), Fraction(0)) / (cap * total_weight)
        completion = Fraction(sum(1 for r in rows if r.met), len(rows))
    else:
        achievement = completion = Fraction(0)
    a, c = Fraction(w["achievement"]), Fraction(w["completion"])
    score = _round(100 * (a * achievement + c * completion) / (a + c)) if a + c else 0
    return ScoreBreakdown(rows=rows, achievement=achievement, completion=completion, score=score,
                          budget=agreement.budget, proposed_allocation=proposed_allocation(agreement.budget, score),
                          weights=w)


def proposed_allocation(budget: int, score: int) -> int:
    w = weights()
    low, high = Fraction(w["min_factor"]), Fraction(w["max_factor"])
    amount = Fraction(budget) * (low + (high - low) * Fraction(score, 100))
    rounding = int(w["rounding"]) or 1
    return int(amount // rounding) * rounding


def latest_adjustment(agreement: BaseAgreement) -> AllocationAdjustment | None:
    return AllocationAdjustment.objects.filter(center_id=agreement.center_id, agreement=agreement).first()


def next_allocation(agreement: BaseAgreement) -> int:
    """What the next year's agreement gets: the supervisor's latest adjustment, else the proposal."""
    adjustment = latest_adjustment(agreement)
    if adjustment is not None:
        return adjustment.amount
    return score_breakdown(agreement).proposed_allocation


@transaction.atomic
def allocation_adjust(*, actor: access.Actor, agreement: BaseAgreement, amount: int, reason: str
                      ) -> AllocationAdjustment:
    """A supervisor sets the next year's allocation to ``amount`` rials instead of the proposal, with a reason
    kept for good (adjustments are append-only; the latest one counts)."""
    agreement = BaseAgreement.objects.select_for_update().get(pk=agreement.pk)
    access.require(actor, access.Action.SUPERVISE, agreement)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for adjusting the allocation."), code="reason_required")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValidationError(_("The allocation must be a whole number of rials, zero or more."),
                              code="invalid_amount")
    if hasattr(agreement, "renewal"):
        raise ValidationError(_("The agreement has already been renewed with its allocation."), code="renewed")
    breakdown = score_breakdown(agreement)
    return AllocationAdjustment.objects.create(
        center=agreement.center, agreement=agreement, proposed=breakdown.proposed_allocation, amount=amount,
        score=breakdown.score, reason=reason, decided_by=actor.user)

