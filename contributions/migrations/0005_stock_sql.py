"""In-kind stock in the database's own rules (SQL only; kept as is when the model migrations are regenerated).

- The fund rule covers the in-kind funds too: an account of kind ``fund`` (money) or ``goods`` (goods held
  at value) never goes below zero. ``contributions_check_fund()`` is redefined to check only postings that
  take something out (``NEW.amount < 0``): a credit can never make a balance negative, so receipts no longer
  take the account's row lock at commit. Money funds and goods funds stay separate accounts, so goods value
  can never be spent as cash.
- An in-kind fund always names its purpose (like a money fund).
- Stock movements are append-only: UPDATE and DELETE raise.
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
    -- The row lock serialises concurrent writers to one fund; the sum that follows (a new statement, so a new
    -- snapshot under READ COMMITTED) sees every posting committed before the lock was granted.
    SELECT kind INTO account_kind FROM contributions_account WHERE id = NEW.account_id FOR UPDATE;
    IF account_kind IN ('fund', 'goods') THEN
        SELECT COALESCE(SUM(amount), 0) INTO total FROM contributions_posting WHERE account_id = NEW.account_id;
        IF total < 0 THEN
            RAISE EXCEPTION 'fund % would go below zero (balance %)', NEW.account_id, total
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NULL;
END $$;

ALTER TABLE contributions_account ADD CONSTRAINT goods_account_has_purpose
    CHECK (kind <> 'goods' OR purpose_id IS NOT NULL);

CREATE FUNCTION contributions_stock_movement_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock movements are immutable' USING ERRCODE = 'raise_exception';
END $$;

CREATE TRIGGER contributions_stock_movement_immutable
    BEFORE UPDATE OR DELETE ON contributions_stockmovement
    FOR EACH ROW EXECUTE FUNCTION contributions_stock_movement_immutable();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS contributions_stock_movement_immutable ON contributions_stockmovement;
DROP FUNCTION IF EXISTS contributions_stock_movement_immutable();
ALTER TABLE contributions_account DROP CONSTRAINT IF EXISTS goods_account_has_purpose;
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
    dependencies = [("contributions", "0004_donors_gifts_stock_pledges_receipts")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]
