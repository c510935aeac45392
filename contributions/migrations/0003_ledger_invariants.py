"""The ledger's invariants, enforced by PostgreSQL itself (DESIGN §5, "a ledger that cannot lie").

- every transaction balances (sum 0) and has at least two postings: deferred constraint triggers, checked at
  COMMIT (or at ``SET CONSTRAINTS ALL IMMEDIATE``);
- postings and transactions are immutable: UPDATE and DELETE raise;
- a fund never goes below zero: a deferred constraint trigger locks the account row, then sums it;
- a posting's center is its transaction's and its account's center.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION contributions_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tx_id bigint;
    total numeric;
    lines integer;
BEGIN
    IF TG_TABLE_NAME = 'contributions_posting' THEN
        tx_id := NEW.transaction_id;
    ELSE
        tx_id := NEW.id;
    END IF;
    SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, lines
      FROM contributions_posting WHERE transaction_id = tx_id;
    IF total <> 0 OR lines < 2 THEN
        RAISE EXCEPTION 'unbalanced transaction % (sum %, % postings)', tx_id, total, lines
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER contributions_posting_balanced
    AFTER INSERT ON contributions_posting DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION contributions_check_balanced();

CREATE CONSTRAINT TRIGGER contributions_transaction_balanced
    AFTER INSERT ON contributions_ledgertransaction DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION contributions_check_balanced();

CREATE FUNCTION contributions_check_fund() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    account_kind varchar;
    total numeric;
BEGIN
    -- The row lock serialises concurrent writers to one fund; the sum that follows (a new statement, so a new
    -- snapshot under READ COMMITTED) sees every posting committed before the lock was granted.
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

CREATE CONSTRAINT TRIGGER contributions_posting_fund_not_negative
    AFTER INSERT ON contributions_posting DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION contributions_check_fund();

CREATE FUNCTION contributions_check_posting_center() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM contributions_ledgertransaction
                    WHERE id = NEW.transaction_id AND center_id = NEW.center_id)
       OR NOT EXISTS (SELECT 1 FROM contributions_account
                       WHERE id = NEW.account_id AND center_id = NEW.center_id) THEN
        RAISE EXCEPTION 'posting center differs from its transaction''s or account''s center'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER contributions_posting_same_center
    BEFORE INSERT ON contributions_posting
    FOR EACH ROW EXECUTE FUNCTION contributions_check_posting_center();

CREATE FUNCTION contributions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'contributions_posting' THEN
        RAISE EXCEPTION 'postings are immutable' USING ERRCODE = 'raise_exception';
    END IF;
    RAISE EXCEPTION 'ledger transactions are immutable' USING ERRCODE = 'raise_exception';
END $$;

CREATE TRIGGER contributions_posting_immutable
    BEFORE UPDATE OR DELETE ON contributions_posting
    FOR EACH ROW EXECUTE FUNCTION contributions_immutable();

CREATE TRIGGER contributions_transaction_immutable
    BEFORE UPDATE OR DELETE ON contributions_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION contributions_immutable();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS contributions_transaction_immutable ON contributions_ledgertransaction;
DROP TRIGGER IF EXISTS contributions_posting_immutable ON contributions_posting;
DROP FUNCTION IF EXISTS contributions_immutable();
DROP TRIGGER IF EXISTS contributions_posting_same_center ON contributions_posting;
DROP FUNCTION IF EXISTS contributions_check_posting_center();
DROP TRIGGER IF EXISTS contributions_posting_fund_not_negative ON contributions_posting;
DROP FUNCTION IF EXISTS contributions_check_fund();
DROP TRIGGER IF EXISTS contributions_transaction_balanced ON contributions_ledgertransaction;
DROP TRIGGER IF EXISTS contributions_posting_balanced ON contributions_posting;
DROP FUNCTION IF EXISTS contributions_check_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("contributions", "0002_purposes")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]
