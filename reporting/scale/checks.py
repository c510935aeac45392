"""Set-based invariant checks run after a load: each query counts the rows that break one rule (0 = holds).

The load skips the row triggers (``session_replication_role = replica``), foreign keys included, so these
checks are what proves the data keeps every rule the triggers and constraints would have enforced.
"""

from __future__ import annotations

CHECKS: list[tuple[str, str]] = [
    ("transaction unbalanced or with fewer than two postings",
     """SELECT count(*) FROM (SELECT t.id FROM contributions_ledgertransaction t
                                LEFT JOIN contributions_posting p ON p.transaction_id = t.id
                               GROUP BY t.id HAVING coalesce(sum(p.amount), 0) <> 0 OR count(p.id) < 2) x"""),
    ("fund or in-kind fund below zero",
     """SELECT count(*) FROM (SELECT a.id FROM contributions_account a JOIN contributions_posting p
                                ON p.account_id = a.id WHERE a.kind IN ('fund', 'goods')
                               GROUP BY a.id HAVING sum(p.amount) < 0) x"""),
    ("posting center differs from its transaction's or account's",
     """SELECT count(*) FROM contributions_posting p JOIN contributions_ledgertransaction t ON t.id = p.transaction_id
          JOIN contributions_account a ON a.id = p.account_id
         WHERE p.center_id <> t.center_id OR p.center_id <> a.center_id"""),
    ("posting without its account or transaction",
     """SELECT count(*) FROM contributions_posting p
         WHERE NOT EXISTS (SELECT 1 FROM contributions_account a WHERE a.id = p.account_id)
            OR NOT EXISTS (SELECT 1 FROM contributions_ledgertransaction t WHERE t.id = p.transaction_id)"""),
    ("confirmed money gift whose transaction is missing or of another amount",
     """SELECT count(*) FROM contributions_contribution c
          LEFT JOIN (SELECT p.transaction_id, sum(p.amount) AS s FROM contributions_posting p
                       JOIN contributions_account a ON a.id = p.account_id
                      WHERE a.kind IN ('fund', 'goods') GROUP BY 1) f ON f.transaction_id = c.ledger_transaction_id
         WHERE c.kind IN ('cash', 'in_kind') AND c.status <> 'recorded' AND coalesce(f.s, -1) <> c.amount"""),
    ("reversed gift without its reversal transaction",
     """SELECT count(*) FROM contributions_contribution c WHERE c.status = 'reversed'
           AND NOT EXISTS (SELECT 1 FROM contributions_ledgertransaction t
               WHERE t.reverses_id = c.ledger_transaction_id)"""),
    ("gift with a missing center, donor, purpose or campaign",
     """SELECT count(*) FROM contributions_contribution c
         WHERE NOT EXISTS (SELECT 1 FROM centers_center x WHERE x.id = c.center_id)
            OR NOT EXISTS (SELECT 1 FROM contributions_purpose x WHERE x.id = c.purpose_id)
            OR (c.donor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM donors_donor x WHERE x.id = c.donor_id))
            OR (c.campaign_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contributions_campaign_centers x
                                                          WHERE x.campaign_id = c.campaign_id
                                                            AND x.center_id = c.center_id))"""),
    ("gift by a donor not linked to the center",
     """SELECT count(*) FROM contributions_contribution c WHERE c.donor_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM donors_donorlink l WHERE l.donor_id = c.donor_id
               AND l.center_id = c.center_id)"""),
    ("gift outside the center's licensed time or in the future",
     """SELECT count(*) FROM contributions_contribution c JOIN centers_center x ON x.id = c.center_id
         WHERE c.received_on < x.created_at::date OR c.received_on > current_date"""),
    ("account, stock lot or movement of a missing center, purpose or item",
     """SELECT (SELECT count(*) FROM contributions_account a
                 WHERE NOT EXISTS (SELECT 1 FROM centers_center x WHERE x.id = a.center_id))
             + (SELECT count(*) FROM contributions_stocklot l
                 WHERE NOT EXISTS (SELECT 1 FROM contributions_stockitem i WHERE i.id = l.item_id
                     AND i.center_id = l.center_id)
                    OR NOT EXISTS (SELECT 1 FROM contributions_contribution c WHERE c.id = l.contribution_id
                        AND c.center_id = l.center_id))
             + (SELECT count(*) FROM contributions_stockmovement m
                 WHERE NOT EXISTS (SELECT 1 FROM contributions_stocklot l WHERE l.id = m.lot_id
                     AND l.center_id = m.center_id))"""),
    ("stock lot whose remaining value differs from its movements",
     """SELECT count(*) FROM contributions_stocklot l
          LEFT JOIN (SELECT lot_id, sum(value) AS s FROM contributions_stockmovement WHERE kind <> 'receipt'
                      GROUP BY 1) m ON m.lot_id = l.id
         WHERE l.value_remaining <> l.value_received - coalesce(m.s, 0)"""),
    ("stock account differs from the in-kind funds",
     """SELECT count(*) FROM (SELECT p.center_id FROM contributions_posting p JOIN contributions_account a
                                ON a.id = p.account_id WHERE a.kind IN ('stock', 'goods')
                               GROUP BY p.center_id HAVING sum(p.amount) <> 0) x"""),
    ("stock value held differs from the lots' remaining value",
     """SELECT count(*) FROM centers_center x
          LEFT JOIN (SELECT p.center_id, -sum(p.amount) AS s FROM contributions_posting p
                       JOIN contributions_account a ON a.id = p.account_id WHERE a.kind = 'stock' GROUP BY 1) ps
            ON ps.center_id = x.id
          LEFT JOIN (SELECT center_id, sum(value_remaining) AS s FROM contributions_stocklot GROUP BY 1) ls
            ON ls.center_id = x.id
         WHERE coalesce(ps.s, 0) <> coalesce(ls.s, 0)"""),
    ("household without exactly one head or with a wrong member count",
     """SELECT count(*) FROM beneficiaries_household h
          LEFT JOIN (SELECT household_id, count(*) AS n, count(*) FILTER (WHERE relation = 'head') AS heads
                       FROM beneficiaries_member GROUP BY 1) m ON m.household_id = h.id
          LEFT JOIN beneficiaries_member hm ON hm.id = h.head_id
         WHERE coalesce(m.n, 0) <> h.member_count OR coalesce(m.heads, 0) <> 1
            OR hm.household_id IS DISTINCT FROM h.id OR hm.relation IS DISTINCT FROM 'head'"""),
    ("member, assessment or household of another center than its household",
     """SELECT (SELECT count(*) FROM beneficiaries_member m JOIN beneficiaries_household h ON h.id = m.household_id
                 WHERE m.center_id <> h.center_id)
             + (SELECT count(*) FROM beneficiaries_assessment a LEFT JOIN beneficiaries_household h
                 ON h.id = a.household_id
                 WHERE h.id IS NULL OR a.center_id <> h.center_id)
             + (SELECT count(*) FROM beneficiaries_household h
                 WHERE NOT EXISTS (SELECT 1 FROM centers_center x WHERE x.id = h.center_id)
                    OR NOT EXISTS (SELECT 1 FROM centers_county x WHERE x.id = h.county_id))"""),
    ("member without a blind index or ciphertext",
     """SELECT count(*) FROM beneficiaries_member m
         WHERE m.national_code_index !~ '^[0-9a-f]{64}$' OR m.national_code_ciphertext NOT LIKE 'v1.%'"""),
    ("household with two current assessments of one need",
     """SELECT count(*) FROM (SELECT household_id, category FROM beneficiaries_assessment WHERE is_current
                               GROUP BY 1, 2 HAVING count(*) > 1) x"""),
    ("aid to a missing, closed or other center's household",
     """SELECT count(*) FROM beneficiaries_aiddistribution d LEFT JOIN beneficiaries_household h
         ON h.id = d.household_id
         WHERE h.id IS NULL OR h.center_id <> d.center_id OR h.status <> 'active'"""),
    ("aid given before the household was registered",
     """SELECT count(*) FROM beneficiaries_aiddistribution d JOIN beneficiaries_household h ON h.id = d.household_id
         WHERE d.occurred_on < h.created_at::date"""),
    ("loan or sponsorship of a household before it was registered",
     """SELECT (SELECT count(*) FROM beneficiaries_loan l JOIN beneficiaries_household h ON h.id = l.household_id
                 WHERE l.requested_on < h.created_at::date OR h.center_id <> l.center_id)
             + (SELECT count(*) FROM beneficiaries_sponsorship s JOIN beneficiaries_household h ON h.id = s.household_id
                 WHERE s.starts_on < h.created_at::date)"""),
    ("cash aid whose transaction does not debit the fund by its value",
     """SELECT count(*) FROM beneficiaries_aiddistribution d
          LEFT JOIN (SELECT p.transaction_id, a.purpose_id, -sum(p.amount) AS s FROM contributions_posting p
                       JOIN contributions_account a ON a.id = p.account_id WHERE a.kind = 'fund' GROUP BY 1, 2) f
            ON f.transaction_id = d.ledger_transaction_id AND f.purpose_id = d.source_purpose_id
         WHERE d.kind = 'cash' AND coalesce(f.s, -1) <> d.value"""),
    ("restricted money spent on another purpose, or general money without approval",
     """SELECT count(*) FROM beneficiaries_aiddistribution d JOIN contributions_purpose s ON s.id = d.source_purpose_id
         WHERE (s.restricted AND d.purpose_id <> d.source_purpose_id)
            OR (d.kind = 'cash' AND NOT s.restricted AND d.approval_reference = '')"""),
    ("goods aid whose lines differ from its value",
     """SELECT count(*) FROM beneficiaries_aiddistribution d
          LEFT JOIN (SELECT distribution_id, sum(value) AS s FROM beneficiaries_aidgoodsline GROUP BY 1) g
            ON g.distribution_id = d.id
         WHERE d.kind = 'goods' AND coalesce(g.s, -1) <> d.value"""),
    ("donor link or donor of a missing center or organisation; duplicate national code",
     """SELECT (SELECT count(*) FROM donors_donorlink l
                 WHERE NOT EXISTS (SELECT 1 FROM centers_center x WHERE x.id = l.center_id)
                    OR NOT EXISTS (SELECT 1 FROM donors_donor d WHERE d.id = l.donor_id))
             + (SELECT count(*) FROM (SELECT organization_id, national_code FROM donors_donor WHERE national_code <> ''
                                       GROUP BY 1, 2 HAVING count(*) > 1) x)"""),
    ("license, transition, complaint or event of a missing center",
     """SELECT (SELECT count(*) FROM centers_license l WHERE NOT EXISTS (SELECT 1 FROM centers_center x
         WHERE x.id = l.center_id))
             + (SELECT count(*) FROM centers_complaint c WHERE NOT EXISTS (SELECT 1 FROM centers_center x
                 WHERE x.id = c.center_id))
             + (SELECT count(*) FROM centers_complaintevent e
                 WHERE NOT EXISTS (SELECT 1 FROM centers_complaint c WHERE c.id = e.complaint_id
                     AND c.center_id = e.center_id))"""),
    ("pledge, instalment, payment or sponsorship inconsistent",
     """SELECT (SELECT count(*) FROM contributions_pledgeinstalment i
                   JOIN contributions_pledge p ON p.id = i.pledge_id
                   LEFT JOIN (SELECT instalment_id, sum(amount) AS s FROM contributions_pledgepayment GROUP BY 1) y
                     ON y.instalment_id = i.id
                 WHERE i.center_id <> p.center_id OR i.amount_paid > i.amount_due
                    OR i.amount_paid <> coalesce(y.s, 0))
             + (SELECT count(*) FROM contributions_pledgepayment y
                  JOIN contributions_contribution c ON c.id = y.contribution_id
                 WHERE c.center_id <> y.center_id OR c.amount <> y.amount OR c.status <> 'confirmed'
                    OR c.received_on < (SELECT p.created_at::date FROM contributions_pledge p WHERE p.id = y.pledge_id))
             + (SELECT count(*) FROM beneficiaries_sponsorship s JOIN contributions_pledge p ON p.id = s.pledge_id
                  JOIN beneficiaries_household h ON h.id = s.household_id
                 WHERE s.center_id <> p.center_id OR h.center_id <> s.center_id)"""),
    ("loan inconsistent with its instalments, repayments or ledger",
     """SELECT (SELECT count(*) FROM beneficiaries_loan l
                 WHERE l.disbursement_transaction_id IS NOT NULL
                   AND l.amount <> (SELECT sum(i.amount_due) FROM beneficiaries_loaninstalment i
                       WHERE i.loan_id = l.id))
             + (SELECT count(*) FROM beneficiaries_loan l
                 WHERE (SELECT coalesce(sum(i.amount_paid), 0) FROM beneficiaries_loaninstalment i
                     WHERE i.loan_id = l.id)
                       <> (SELECT coalesce(sum(r.amount), 0) FROM beneficiaries_loanrepayment r WHERE r.loan_id = l.id))
             + (SELECT count(*) FROM beneficiaries_loanrepayment r
                 WHERE r.amount <> (SELECT sum(p.amount) FROM contributions_posting p JOIN contributions_account a
                                      ON a.id = p.account_id WHERE p.transaction_id = r.transaction_id
                                          AND a.kind = 'fund'))
             + (SELECT count(*) FROM (SELECT p.center_id FROM contributions_posting p JOIN contributions_account a
                                        ON a.id = p.account_id WHERE a.kind = 'loans' GROUP BY 1
                                      HAVING sum(p.amount) <> (SELECT coalesce(sum(i.amount_due - i.amount_paid), 0)
                                                                 FROM beneficiaries_loaninstalment i
                                                                WHERE i.center_id = p.center_id)) x)"""),
]


def run_checks(cursor) -> dict[str, int]:
    """{rule: number of rows breaking it}; every value 0 when the data holds."""
    results = {}
    for name, sql in CHECKS:
        cursor.execute(sql)
        results[name] = int(cursor.fetchone()[0])
    return results
