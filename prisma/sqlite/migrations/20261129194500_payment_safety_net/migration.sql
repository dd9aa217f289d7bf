-- The payment safety net (issue 11): attempts written before sendInvoice (state, nullable reference and status),
-- stock reservations, the merchant's cancel, repeated answers counted, faults scoped to one invoice, refunds settled
-- from a report, and one reconciliation run per period.
-- AlterTable
ALTER TABLE "Refund" ADD COLUMN "settledAt" DATETIME;

-- AlterTable
ALTER TABLE "SandboxFault" ADD COLUMN "invoiceReference" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clientInvoiceId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "currency" TEXT NOT NULL,
    "totalMinor" INTEGER NOT NULL,
    "taxMinor" INTEGER NOT NULL,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "customerMsisdn" TEXT,
    "customerSubscriberKey" TEXT,
    "source" TEXT NOT NULL DEFAULT 'CART',
    "attentionReason" TEXT,
    "invoicingUntil" DATETIME,
    "stockReservation" TEXT NOT NULL DEFAULT 'NONE',
    "canceledAt" DATETIME,
    "paidAt" DATETIME,
    "fulfilledAt" DATETIME,
    "expiredAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Order" ("attentionReason", "clientInvoiceId", "createdAt", "currency", "customerMsisdn", "customerSubscriberKey", "expiredAt", "fulfilledAt", "id", "invoicingUntil", "paidAt", "refundedMinor", "source", "status", "taxMinor", "totalMinor", "updatedAt") SELECT "attentionReason", "clientInvoiceId", "createdAt", "currency", "customerMsisdn", "customerSubscriberKey", "expiredAt", "fulfilledAt", "id", "invoicingUntil", "paidAt", "refundedMinor", "source", "status", "taxMinor", "totalMinor", "updatedAt" FROM "Order";
DROP TABLE "Order";
ALTER TABLE "new_Order" RENAME TO "Order";
CREATE UNIQUE INDEX "Order_clientInvoiceId_key" ON "Order"("clientInvoiceId");
CREATE INDEX "Order_status_createdAt_idx" ON "Order"("status", "createdAt");
CREATE INDEX "Order_createdAt_idx" ON "Order"("createdAt");
CREATE INDEX "Order_customerMsisdn_idx" ON "Order"("customerMsisdn");
CREATE INDEX "Order_attentionReason_idx" ON "Order"("attentionReason");
CREATE TABLE "new_PaymentAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orderId" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'SENT',
    "invoiceReference" TEXT,
    "seqrStatus" TEXT,
    "seqrVersion" INTEGER NOT NULL DEFAULT 0,
    "ersReference" TEXT,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "receipt" JSONB,
    "issuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "nextCheckAt" DATETIME,
    "lastCheckedAt" DATETIME,
    "sameAnswerCount" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "finalizedAt" DATETIME,
    "cancelReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PaymentAttempt_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_PaymentAttempt" ("amountMinor", "cancelReason", "createdAt", "currency", "ersReference", "finalizedAt", "id", "invoiceReference", "issuedAt", "lastCheckedAt", "leaseOwner", "leaseUntil", "nextCheckAt", "orderId", "receipt", "seqrStatus", "seqrVersion", "updatedAt") SELECT "amountMinor", "cancelReason", "createdAt", "currency", "ersReference", "finalizedAt", "id", "invoiceReference", "issuedAt", "lastCheckedAt", "leaseOwner", "leaseUntil", "nextCheckAt", "orderId", "receipt", "seqrStatus", "seqrVersion", "updatedAt" FROM "PaymentAttempt";
DROP TABLE "PaymentAttempt";
ALTER TABLE "new_PaymentAttempt" RENAME TO "PaymentAttempt";
CREATE UNIQUE INDEX "PaymentAttempt_invoiceReference_key" ON "PaymentAttempt"("invoiceReference");
CREATE UNIQUE INDEX "PaymentAttempt_ersReference_key" ON "PaymentAttempt"("ersReference");
CREATE INDEX "PaymentAttempt_seqrStatus_nextCheckAt_idx" ON "PaymentAttempt"("seqrStatus", "nextCheckAt");
CREATE INDEX "PaymentAttempt_state_createdAt_idx" ON "PaymentAttempt"("state", "createdAt");
CREATE INDEX "PaymentAttempt_orderId_createdAt_idx" ON "PaymentAttempt"("orderId", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ReconciliationRun_periodStart_key" ON "ReconciliationRun"("periodStart");

