"""The report figures computed straight from the raw tables, in Python, for the tests to compare with
``reporting.figures`` (which reads only the rollups). Deliberately written differently from the SQL: ORM
rows, jdatetime per row, Python sets."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.utils import timezone
from django_scopes import scopes_disabled

from beneficiaries.models import AidDistribution, Assessment, Household, Loan, LoanRepayment
from centers.models import CenterTransition, Complaint
from contributions.models import Contribution, PledgeInstalment
from core.jalali import to_jalali
from reporting.periods import Period


def _local(dt: datetime.datetime) -> datetime.date:
    return timezone.localtime(dt).date()


def snapshot_end(period: Period) -> datetime.date:
    """The day a snapshot of ``period`` describes: its end, or the end of the current month if later."""
    current = Period.current("month")
    last = Period.month(*period.months()[-1])
    return min(last.end, current.end)


def raw_figures(center_ids, period: Period) -> dict:
    ids = set(center_ids)
    prev = period.previous_year()
    out: dict = {"kind": Counter(), "kind_n": 0, "channel": Counter(), "purpose": defaultdict(Counter),
                 "aid_kind": Counter(), "aid_n": 0}
    with scopes_disabled():
        gifts = list(Contribution.objects.filter(center_id__in=ids, status="confirmed")
                     .values("center_id", "donor_id", "kind", "channel", "purpose__code", "amount", "received_on"))
        aid = list(AidDistribution.objects.filter(center_id__in=ids).exclude(status="reversed")
                   .values("center_id", "household_id", "kind", "value", "occurred_on"))
        households = list(Household.objects.filter(center_id__in=ids)
                          .values("pk", "center_id", "created_at", "closed_on", "status", "area", "insurance",
                                  "priority_score"))
        assessments = list(Assessment.objects.filter(center_id__in=ids).values("household_id", "category",
                                                                              "assessed_on"))
        instalments = list(PledgeInstalment.objects.filter(center_id__in=ids).exclude(status="waived")
                           .values("due_on", "amount_due", "amount_paid"))
        loans = list(Loan.objects.filter(center_id__in=ids, disbursed_on__isnull=False).values("disbursed_on",
                                                                                              "amount"))
        repayments = list(LoanRepayment.objects.filter(center_id__in=ids).values("received_on", "amount"))
        transitions = list(CenterTransition.objects.filter(center_id__in=ids).values("name", "at"))
        complaints = list(Complaint.objects.filter(center_id__in=ids).values("created_at", "level"))

    def within(d, p=period):
        return p.start <= d <= p.end

    first_gift: dict = {}
    for g in gifts:
        key = (g["center_id"], g["donor_id"])
        if g["donor_id"] is not None and (key not in first_gift or g["received_on"] < first_gift[key]):
            first_gift[key] = g["received_on"]
        if within(g["received_on"]):
            out["kind"][g["kind"]] += g["amount"]
            out["kind_n"] += 1
            out["channel"][g["channel"]] += g["amount"]
            out["purpose"][g["kind"]][g["purpose__code"]] += g["amount"]
    givers = {(g["center_id"], g["donor_id"]) for g in gifts if g["donor_id"] and within(g["received_on"])}
    givers_before = {(g["center_id"], g["donor_id"]) for g in gifts
                     if g["donor_id"] and within(g["received_on"], prev)}
    out["donors"] = len(givers)
    out["donors_new"] = sum(1 for k in givers if within(first_gift[k]))
    out["donors_returning"] = out["donors"] - out["donors_new"]
    out["donors_lapsed"] = len(givers_before - givers)

    for a in aid:
        if within(a["occurred_on"]):
            out["aid_kind"][a["kind"]] += a["value"]
            out["aid_n"] += 1
    out["served"] = len({(a["center_id"], a["household_id"]) for a in aid if within(a["occurred_on"])})

    day = snapshot_end(period)
    active = [h for h in households if _local(h["created_at"]) <= day
              and not (h["status"] == "closed" and h["closed_on"] <= day)]
    out["hh_active"] = len(active)
    out["hh_rural"] = sum(1 for h in active if h["area"] == "rural")
    out["hh_insured"] = sum(1 for h in active if h["insurance"] != "none")
    active_ids = {h["pk"] for h in active}
    out["hh_need"] = Counter(category for _household, category in {
        (a["household_id"], a["category"]) for a in assessments
        if a["household_id"] in active_ids and a["assessed_on"] <= day})
    bands = ((150, "critical"), (100, "high"), (50, "medium"), (0, "low"))
    out["hh_band"] = Counter(next(code for low, code in bands if h["priority_score"] >= low) for h in active)
    out["hh_registered"] = sum(1 for h in households if within(_local(h["created_at"])))
    out["hh_closed"] = sum(1 for h in households if h["status"] == "closed" and within(h["closed_on"]))

    due = [i for i in instalments if within(i["due_on"])]
    out["pledge_due"] = len(due)
    out["pledge_kept"] = sum(1 for i in due if i["amount_paid"] >= i["amount_due"])
    out["pledge_amount_due"] = sum(i["amount_due"] for i in due)
    out["pledge_amount_paid"] = sum(i["amount_paid"] for i in due)

    out["loans_issued"] = sum(1 for x in loans if within(x["disbursed_on"]))
    out["loans_amount"] = sum(x["amount"] for x in loans if within(x["disbursed_on"]))
    out["repaid"] = sum(x["amount"] for x in repayments if within(x["received_on"]))

    out["license"] = Counter(t["name"] for t in transitions if within(_local(t["at"])))
    received = [c for c in complaints if within(_local(c["created_at"]))]
    out["complaints"] = len(received)
    out["complaint_level"] = Counter(str(c["level"]) for c in received)
    return out


def jalali_ym(day: datetime.date) -> int:
    j = to_jalali(day)
    return j.year * 100 + j.month
