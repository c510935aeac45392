"""The fund check does only the work that can find a fault (SQL only; kept as is when models are regenerated).

``contributions_check_fund()`` (migration 0003) locked the account row and summed every posting of the account
on every posting inserted: O(postings of the account) per gift, and every gift at a center serialised on the
row of its cash account. A balance can only fall when a negative amount is posted (postings are immutable),
and only funds and goods in stock must stay at or above zero, so the check now runs only for a debit of such
an account. Credits (every gift received) cost nothing; a debit locks and sums as before.

The stock area redefines the same function with the same body (CREATE OR REPLACE), so whichever of the two
migrations runs last, the check is the same.

The covering index lets the sum be answered from the index alone (account id and amount), without reading
the table's rows.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION contributions_check_fund() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    account_kind varchar;
    total numeric;
BEGIN
    IF NEW.amount >= 0 THEN
        RETURN NULL;  -- a credit never takes a balance below zero
    END IF;
    SELECT kind INTO account_kind FROM contributions_account WHERE id = NEW.account_id;
    IF account_kind NOT IN ('fund', 'goods') THEN
        RETURN NULL;
    END IF;
    -- The row lock serialises concurrent writers to one fund; the sum that follows (a new statement, so a new
    -- snapshot under READ COMMITTED) sees every posting committed before the lock was granted.
    PERFORM 1 FROM contributions_account WHERE id = NEW.account_id FOR UPDATE;
    SELECT COALESCE(SUM(amount), 0) INTO total FROM contributions_posting WHERE account_id = NEW.account_id;
    IF total < 0 THEN
        RAISE EXCEPTION 'fund % would go below zero (balance %)', NEW.account_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE INDEX IF NOT EXISTS contributions_posting_account_amount
    ON contributions_posting (account_id) INCLUDE (amount);
"""

# Back to migration 0003's function (every posting, every kind checked as a fund when its kind is 'fund').
REVERSE = r"""
DROP INDEX IF EXISTS contributions_posting_account_amount;

CREATE OR REPLACE FUNCTION contributions_check_fund() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    account_kind varchar;
    total numeric;
BEGIN
    SELECT kind INTO account_kind FROM contributions_account WHERE id = NEW.account_id FOR UPDATE;
    IF account_kind = 'fund' THEN
        SELECT COALESCE(SUM(amount), 0) INTO total FROM contributions_posting WHERE account_id = NEW.account_id;
        IF total < 0 THEN
            RAISE EXCEPTION 'fund % would go below zero (balance %)', NEW.account_id, total
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("contributions", "0005_stock_sql")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]
