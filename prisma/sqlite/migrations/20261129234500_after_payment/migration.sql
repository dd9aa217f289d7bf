-- CreateTable
CREATE TABLE "SandboxMail" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "messageId" TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

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
    "cartId" TEXT,
    "stockReservation" TEXT NOT NULL DEFAULT 'NONE',
    "canceledAt" DATETIME,
    "paidAt" DATETIME,
    "fulfilledAt" DATETIME,
    "expiredAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "customerEmail" TEXT,
    "deliveryMethod" TEXT,
    "deliveryName" TEXT,
    "deliveryStreet" TEXT,
    "deliveryPostcode" TEXT,
    "deliveryCity" TEXT,
    "deliveryCountry" TEXT,
    "fulfilmentStatus" TEXT NOT NULL DEFAULT 'UNFULFILLED',
    "carrier" TEXT,
    "trackingNumber" TEXT,
    "trackingUrl" TEXT,
    "shippedAt" DATETIME,
    "pickedUpAt" DATETIME
);
INSERT INTO "new_Order" ("attentionReason", "canceledAt", "cartId", "clientInvoiceId", "createdAt", "currency", "customerMsisdn", "customerSubscriberKey", "expiredAt", "fulfilledAt", "id", "invoicingUntil", "paidAt", "refundedMinor", "source", "status", "stockReservation", "taxMinor", "totalMinor", "updatedAt") SELECT "attentionReason", "canceledAt", "cartId", "clientInvoiceId", "createdAt", "currency", "customerMsisdn", "customerSubscriberKey", "expiredAt", "fulfilledAt", "id", "invoicingUntil", "paidAt", "refundedMinor", "source", "status", "stockReservation", "taxMinor", "totalMinor", "updatedAt" FROM "Order";
DROP TABLE "Order";
ALTER TABLE "new_Order" RENAME TO "Order";
CREATE UNIQUE INDEX "Order_clientInvoiceId_key" ON "Order"("clientInvoiceId");
CREATE INDEX "Order_status_createdAt_idx" ON "Order"("status", "createdAt");
CREATE INDEX "Order_createdAt_idx" ON "Order"("createdAt");
CREATE INDEX "Order_customerMsisdn_idx" ON "Order"("customerMsisdn");
CREATE INDEX "Order_attentionReason_idx" ON "Order"("attentionReason");
CREATE INDEX "Order_cartId_status_idx" ON "Order"("cartId", "status");
CREATE INDEX "Order_fulfilmentStatus_status_idx" ON "Order"("fulfilmentStatus", "status");
CREATE TABLE "new_OutboxMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orderId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL DEFAULT 'EMAIL',
    "dedupeKey" TEXT NOT NULL,
    "recipient" TEXT,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" DATETIME,
    "lastAttemptAt" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,
    CONSTRAINT "OutboxMessage_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- Messages queued before the shop delivered any: kept, keyed as the worker keys them, and set aside as DEAD with
-- the reason, because those orders carry no e-mail address to send a confirmation to.
INSERT INTO "new_OutboxMessage" ("createdAt", "id", "kind", "orderId", "payload", "recipient", "sentAt", "status", "dedupeKey", "lastError") SELECT "createdAt", "id", "kind", "orderId", "payload", "recipient", "sentAt", 'DEAD', "kind" || ':' || "orderId", 'Queued before the shop sent e-mails: the order has no e-mail address to send it to.' FROM "OutboxMessage";
DROP TABLE "OutboxMessage";
ALTER TABLE "new_OutboxMessage" RENAME TO "OutboxMessage";
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");
CREATE INDEX "OutboxMessage_orderId_idx" ON "OutboxMessage"("orderId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "SandboxMail_messageId_key" ON "SandboxMail"("messageId");

-- CreateIndex
CREATE INDEX "SandboxMail_createdAt_idx" ON "SandboxMail"("createdAt");

