-- PaymentEvent is the order's audit trail: rows are added, never changed or removed.
-- Prisma does not model triggers; a later migration that rebuilds the PaymentEvent table must re-create these
-- (tests/integration/database.test.ts fails if they are gone).
CREATE TRIGGER "PaymentEvent_no_update" BEFORE UPDATE ON "PaymentEvent"
BEGIN
    SELECT RAISE(ABORT, 'PaymentEvent is append-only');
END;

CREATE TRIGGER "PaymentEvent_no_delete" BEFORE DELETE ON "PaymentEvent"
BEGIN
    SELECT RAISE(ABORT, 'PaymentEvent is append-only');
END;
