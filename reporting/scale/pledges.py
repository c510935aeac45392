# ruff: noqa: S311 - seeded pseudo-random data for benchmarks, not secrets
"""Pledges with their instalments and payments, sponsorships, and interest-free loans (Python, then COPY).

They follow the services' rules: instalments fall on the pledge's Jalali day each Jalali month (clamped to the
month's length); a payment is a confirmed cash gift posted to the ledger (bank debited, fund credited) and
matched to one instalment; an orphan or family sponsorship links a sponsorship pledge to a household of its
center (the orphan for Ekram). A loan is disbursed from the center's qard al-hasan fund (``fund −A, loans +A``)
never beyond what the fund holds, split into equal instalments (the last takes the rest), and each repayment
posts ``loans −R, fund +R`` with the reference ``loan-repayment:<center>:<reference>``.

``plan`` runs before the gifts are generated (the pledge payments are part of the gifts asked for), ``build``
after the households and the aid.
"""

from __future__ import annotations

import datetime
import json
import random

import jdatetime

from .households import DIGITS, _ts
from .sql import ACCOUNT_SLOTS, PURPOSES, QARD_HASAN

PLEDGE_SHARE = 0.04  # of the donors
LOAN_SHARE = 0.02  # of the households


def _due(jy: int, jm: int, day: int) -> datetime.date:
    length = 31 if jm <= 6 else 30 if jm <= 11 else (30 if jdatetime.date.isleap(jdatetime.date(jy, 1, 1)) else 29)
    return jdatetime.date(jy, jm, min(day, length)).togregorian()


def plan(cursor, spec, donors: int) -> dict:
    """The pledges and which of their instalments are paid, before any gift exists."""
    rng = random.Random(f"scale-pledges-{spec.seed}")
    n = max(1, round(donors * PLEDGE_SHARE))
    donor_ids = sorted(rng.sample(range(1, donors + 1), n))
    cursor.execute("SELECT d.id, d.home, c.lo, c.hi FROM sc_donor d JOIN sc_center c ON c.id = d.home "
                   "WHERE d.id = ANY(%s) AND NOT d.legal", [donor_ids])
    homes = {row[0]: row[1:] for row in cursor.fetchall()}
    pledges, payments = [], 0
    for donor_id in donor_ids:
        if donor_id not in homes:
            continue
        center_id, lo, hi = homes[donor_id]
        if (hi - lo).days < 60:
            continue
        start = lo + datetime.timedelta(days=rng.randrange((hi - lo).days - 30))
        j = jdatetime.date.fromgregorian(date=start)
        target = rng.choices(["purpose", "orphan_sponsorship", "family_sponsorship"], [0.8, 0.15, 0.05])[0]
        purpose = (target if target != "purpose"
                   else rng.choices(["general", "zakat", "sadaqah", "nazr", "health", "education", "food"],
                                    [40, 15, 15, 10, 8, 6, 6])[0])
        count = rng.choice([6, 12, 12, 12, 24])
        amount = rng.choice([5, 10, 10, 20, 20, 30, 50, 100]) * 100_000
        due_day = min(j.day, 28) if rng.random() < 0.7 else j.day
        cancelled = rng.random() < 0.06
        instalments = []
        for k in range(count):
            jy, jm = j.year + (j.month - 1 + k) // 12, (j.month - 1 + k) % 12 + 1
            due_on = _due(jy, jm, due_day)
            if due_on > hi:
                status, paid = ("waived" if cancelled else "due"), 0
            else:
                x = rng.random()
                status, paid = (("paid", amount) if x < 0.85 else ("partly_paid", amount // 2) if x < 0.9
                                else ("overdue", 0))
            if status in ("paid", "partly_paid"):
                payments += 1
            instalments.append((k + 1, due_on, status, paid))
        pledges.append({"donor": donor_id, "center": center_id, "start": start, "jy": j.year, "jm": j.month,
                        "due_day": due_day, "target": target, "purpose": purpose, "count": count, "amount": amount,
                        "cancelled": cancelled, "instalments": instalments, "hi": hi})
    return {"pledges": pledges, "expected_payments": payments}


def _max(cursor, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 - our own table names
    return int(cursor.fetchone()[0])


def build(cursor, *, spec, plan, loader, purposes) -> dict:
    rng = random.Random(f"scale-pledges-build-{spec.seed}")
    raw = cursor.cursor
    gift0 = _max(cursor, "contributions_contribution")
    tx0 = _max(cursor, "contributions_ledgertransaction")
    post0 = _max(cursor, "contributions_posting")
    pindex = {code: i + 1 for i, code in enumerate(PURPOSES)}
    # Active households per center, and those with an orphan (for Ekram sponsorships).
    # Active households (id, head or orphan, registered on) per center, in the order they were registered.
    cursor.execute("SELECT h.center_id, h.id, h.head_id, h.created_at::date FROM beneficiaries_household h "
                   "WHERE h.status = 'active' ORDER BY h.id")
    active: dict[int, list[tuple[int, int, datetime.date]]] = {}
    for center_id, hid, head, created in cursor.fetchall():
        active.setdefault(center_id, []).append((hid, head, created))
    cursor.execute("SELECT h.center_id, h.id, min(m.id), h.created_at::date FROM beneficiaries_household h "
                   "JOIN beneficiaries_member m ON m.household_id = h.id WHERE h.status = 'active' AND m.is_orphan "
                   "GROUP BY 1, 2 ORDER BY 2")
    orphans: dict[int, list[tuple[int, int, datetime.date]]] = {}
    for center_id, hid, member, created in cursor.fetchall():
        orphans.setdefault(center_id, []).append((hid, member, created))

    pledge_rows, inst_rows, pay_rows, gift_rows, tx_rows, post_rows, spons_rows = [], [], [], [], [], [], []
    used_orphans: set[int] = set()
    inst_id = pay_id = gift_id = tx_id = 0
    for pid, p in enumerate(plan["pledges"], start=1):
        center = p["center"]
        amounts_paid = [paid for *_x, paid in p["instalments"]]
        open_left = any(status in ("due", "overdue", "partly_paid") for _s, _d, status, _p in p["instalments"])
        status = ("cancelled" if p["cancelled"] else "active" if open_left else "completed")
        last_due = p["instalments"][-1][1]
        cancelled_at = _ts(min(p["hi"], last_due)) if p["cancelled"] else None
        completed_at = _ts(last_due) if status == "completed" else None
        pledge_rows.append((
            pid, "monthly", "cash", p["target"], None, "", p["amount"], "", "", None, p["jy"], p["jm"], p["due_day"],
            p["count"], status, "", None, "", None, cancelled_at,
            "اهداکننده از ادامه تعهد انصراف داد." if p["cancelled"] else "", completed_at, _ts(p["start"]), None,
            center, loader, p["donor"], purposes[p["purpose"]]))
        for sequence, due_on, inst_status, paid in p["instalments"]:
            inst_id += 1
            inst_rows.append((inst_id, sequence, due_on, p["amount"], paid, inst_status,
                              "تعهد لغو شد." if inst_status == "waived" else "", center, pid))
            if not paid:
                continue
            gift_id += 1
            tx_id += 1
            day = max(p["start"], due_on - datetime.timedelta(days=rng.randint(0, 3)))
            at = _ts(day)
            channel = rng.choice(["bank_transfer", "online", "payroll"])
            gift_rows.append((gift0 + gift_id, "cash", channel, day, paid, "confirmed", "", "", "", at, at, None,
                              None, center, loader, p["donor"], tx0 + tx_id, purposes[p["purpose"]], loader, None))
            tx_rows.append((tx0 + tx_id, day, f"قسط تعهد شماره {str(pid).translate(DIGITS)}",
                            f"contribution:{gift0 + gift_id}", at, center, loader, None, ""))
            base = (center - 1) * ACCOUNT_SLOTS
            post_rows.append((post0 + 2 * tx_id - 1, -paid, base + 1, center, tx0 + tx_id))
            post_rows.append((post0 + 2 * tx_id, paid, base + 4 + pindex[p["purpose"]], center, tx0 + tx_id))
            pay_id += 1
            pay_rows.append((pay_id, paid, at, None, center, gift0 + gift_id, inst_id, loader, pid))
        del amounts_paid
        if p["target"] != "purpose":
            pool = orphans.get(center, []) if p["target"] == "orphan_sponsorship" else active.get(center, [])
            pool = [x for x in pool if x[0] not in used_orphans and x[2] <= p["start"]]
            if pool:
                hid, member, _registered = pool[rng.randrange(len(pool))]
                used_orphans.add(hid)
                kind = "orphan" if p["target"] == "orphan_sponsorship" else "family"
                ended = status != "active"
                spons_rows.append((len(spons_rows) + 1, kind, p["start"], min(p["hi"], last_due) if ended else None,
                                   "ended" if ended else "active", "تعهد به پایان رسید." if ended else "",
                                   _ts(p["start"]), center, loader, hid, member if kind == "orphan" else None, pid))
    if gift_id != plan["expected_payments"]:  # the gifts generated earlier left room for exactly these
        raise RuntimeError(f"pledge payments {gift_id} differ from the plan's {plan['expected_payments']}")

    loan_counts = _loans(cursor, raw, spec=spec, rng=rng, active=active, loader=loader,
                         tx0=tx0 + tx_id, post0=post0 + 2 * tx_id, gifts_tx=(tx_rows, post_rows))

    _copy(raw, "contributions_pledge", "id, kind, form, target, sponsorship_reference, sponsorship_profile, amount, "
          "item_description, item_unit, item_quantity, start_year, start_month, due_day, instalment_count, status, "
          "note, paused_at, pause_reason, resumed_at, cancelled_at, cancel_reason, completed_at, created_at, "
          "cancelled_by_id, center_id, created_by_id, donor_id, purpose_id", pledge_rows)
    _copy(raw, "contributions_pledgeinstalment", "id, sequence, due_on, amount_due, amount_paid, status, "
          "waived_reason, center_id, pledge_id", inst_rows)
    _copy(raw, "contributions_contribution", "id, kind, channel, received_on, amount, status, external_reference, "
          "note, reversal_reason, recorded_at, confirmed_at, reversed_at, campaign_id, center_id, confirmed_by_id, "
          "donor_id, ledger_transaction_id, purpose_id, recorded_by_id, reversed_by_id", gift_rows)
    _copy(raw, "contributions_ledgertransaction", "id, occurred_on, memo, reference, created_at, center_id, "
          "created_by_id, reverses_id, approval_reference", tx_rows)
    _copy(raw, "contributions_posting", "id, amount, account_id, center_id, transaction_id", post_rows)
    _copy(raw, "contributions_pledgepayment", "id, amount, matched_at, unmatched_at, center_id, contribution_id, "
          "instalment_id, matched_by_id, pledge_id", pay_rows)
    _copy(raw, "beneficiaries_sponsorship", "id, kind, starts_on, ends_on, status, end_reason, created_at, center_id, "
          "created_by_id, household_id, member_id, pledge_id", spons_rows)
    return {"pledges": len(pledge_rows), "pledge_payments": len(pay_rows), "sponsorships": len(spons_rows),
            **loan_counts}


def _loans(cursor, raw, *, spec, rng, active, loader, tx0, post0, gifts_tx) -> dict:
    """Loans, appended to the transactions and postings of ``gifts_tx`` (written by the caller)."""
    tx_rows, post_rows = gifts_tx
    cursor.execute(f"""SELECT p.center_id, sum(p.amount) FROM contributions_posting p
                        WHERE p.account_id = (p.center_id - 1) * {ACCOUNT_SLOTS} + 4 + {QARD_HASAN}
                        GROUP BY 1""")  # noqa: S608 - integers
    funds = dict(cursor.fetchall())
    cursor.execute("SELECT id, lo, hi FROM sc_center")
    spans = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    total_households = sum(len(v) for v in active.values())
    n_loans = max(1, round(total_households * LOAN_SHARE))
    loan_rows, inst_rows, repay_rows, guarantor_rows = [], [], [], []
    tx_id = inst_id = 0
    purposes = ["small_business", "treatment", "housing_repair", "marriage", "education", "debt"]
    centers = sorted(active)
    for loan_id in range(1, n_loans + 1):
        center = centers[rng.randrange(len(centers))]
        lo, hi = spans[center]
        amount = rng.choice([20, 30, 50, 50, 80, 100, 150]) * 1_000_000
        count = rng.choice([10, 12, 12, 20, 24])
        requested = lo + datetime.timedelta(days=rng.randrange(max(1, (hi - lo).days - 20)))
        registered = [x for x in active[center] if x[2] <= requested]
        if not registered:
            continue
        hid, head, _registered = registered[rng.randrange(len(registered))]
        base = (center - 1) * ACCOUNT_SLOTS
        x = rng.random()
        available = funds.get(center, 0)
        if x < 0.08 or amount > available or (hi - requested).days < 15:
            status = "requested" if x < 0.04 or amount > available else "declined"
            loan_rows.append((loan_id, amount, rng.choice(purposes), "", count, requested + datetime.timedelta(45),
                              status, requested, requested + datetime.timedelta(7) if status == "declined" else None,
                              "منابع صندوق کافی نیست." if status == "declined" else "", None, None, None, "", "",
                              _ts(requested), head, center, loader, loader if status == "declined" else None, None,
                              hid, None))
            guarantor_rows.append((loan_id, "ضامن: " + "کارمند رسمی", "", center, loan_id))
            continue
        funds[center] = available - amount
        disbursed = requested + datetime.timedelta(days=10)
        first_due = disbursed + datetime.timedelta(days=30)
        tx_id += 1
        disb_tx = tx0 + tx_id
        tx_rows.append((disb_tx, disbursed, f"پرداخت وام قرض‌الحسنه شماره {str(loan_id).translate(DIGITS)}",
                        f"loan:{loan_id}:disbursement", _ts(disbursed), center, loader, None, ""))
        post_rows.append((post0 + 2 * tx_id - 1, -amount, base + 4 + QARD_HASAN, center, disb_tx))
        post_rows.append((post0 + 2 * tx_id, amount, base + 4, center, disb_tx))
        each = amount // count
        dues = [each] * (count - 1) + [amount - each * (count - 1)]
        paid_all = True
        paid_any = False
        last_paid = None
        for k, due_amount in enumerate(dues, start=1):
            inst_id += 1
            due_on = first_due + datetime.timedelta(days=30 * (k - 1))
            if due_on <= hi and rng.random() < 0.9:
                tx_id += 1
                ref = f"R{loan_id}-{k}"
                tx_rows.append((tx0 + tx_id, due_on, f"بازپرداخت قسط وام شماره {str(loan_id).translate(DIGITS)}",
                                f"loan-repayment:{center}:{ref}", _ts(due_on), center, loader, None, ""))
                post_rows.append((post0 + 2 * tx_id - 1, -due_amount, base + 4, center, tx0 + tx_id))
                post_rows.append((post0 + 2 * tx_id, due_amount, base + 4 + QARD_HASAN, center, tx0 + tx_id))
                repay_rows.append((len(repay_rows) + 1, due_amount, due_on, rng.choice(["cash", "bank"]), ref,
                                   json.dumps([{"sequence": k, "amount": due_amount}]), _ts(due_on), center, loan_id,
                                   loader, tx0 + tx_id))
                inst_rows.append((inst_id, k, due_on, due_amount, due_amount, "paid", due_on, center, loan_id))
                paid_any = True
                last_paid = due_on
                funds[center] += due_amount
            else:
                paid_all = False
                inst_rows.append((inst_id, k, due_on, due_amount, 0, "overdue" if due_on < hi else "due", None,
                                  center, loan_id))
        status = "repaid" if paid_all else "repaying" if paid_any else "disbursed"
        loan_rows.append((loan_id, amount, rng.choice(purposes), "", count, first_due, status, requested,
                          requested + datetime.timedelta(days=5), "تصویب در جلسه هیئت امنا", disbursed,
                          last_paid if status == "repaid" else None, None, "", "", _ts(requested), head, center,
                          loader, loader, disb_tx, hid, None))
        guarantor_rows.append((loan_id, "ضامن: کارمند رسمی", "", center, loan_id))
    _copy(raw, "beneficiaries_loan", "id, amount, purpose, purpose_note, instalment_count, first_due_on, status, "
          "requested_on, decided_on, decision_note, disbursed_on, repaid_on, written_off_on, write_off_reference, "
          "write_off_reason, created_at, borrower_id, center_id, created_by_id, decided_by_id, "
          "disbursement_transaction_id, household_id, write_off_transaction_id", loan_rows)
    _copy(raw, "beneficiaries_loaninstalment", "id, sequence, due_on, amount_due, amount_paid, status, paid_on, "
          "center_id, loan_id", inst_rows)
    _copy(raw, "beneficiaries_loanrepayment", "id, amount, received_on, channel, reference, allocation, created_at, "
          "center_id, loan_id, recorded_by_id, transaction_id", repay_rows)
    _copy(raw, "beneficiaries_loanguarantor", "id, full_name, note, center_id, loan_id", guarantor_rows)
    return {"loans": len(loan_rows), "loan_repayments": len(repay_rows)}


def _copy(raw, table: str, columns: str, rows: list[tuple]) -> None:
    with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
