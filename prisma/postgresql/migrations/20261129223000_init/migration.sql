-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('PENDING', 'INVOICED', 'PAID', 'FAILED', 'CANCELED', 'EXPIRED', 'NEEDS_ATTENTION', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CANCELED_BY_MERCHANT');

-- CreateEnum
CREATE TYPE "StockReservation" AS ENUM ('NONE', 'HELD', 'TAKEN');

-- CreateEnum
CREATE TYPE "OrderSource" AS ENUM ('CART', 'PRODUCT_QR');

-- CreateEnum
CREATE TYPE "SeqrInvoiceStatus" AS ENUM ('ISSUED', 'PENDING_ISSUER_ACKNOWLEDGE', 'RESERVED', 'PAID', 'CANCELED', 'FAILED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "AttemptState" AS ENUM ('SENDING', 'SENT', 'REFUSED', 'UNKNOWN', 'LOST');

-- CreateEnum
CREATE TYPE "PaymentEventType" AS ENUM ('ORDER_CREATED', 'INVOICE_SENT', 'INVOICE_CANCELED', 'NOTIFICATION_RECEIVED', 'STATUS_QUERIED', 'STATUS_CHANGED', 'FULFILLED', 'STOCK_RESERVED', 'STOCK_RELEASED', 'SESSION_OPENED', 'CUSTOMER_CHANGED', 'REFUND', 'ADMIN_ACTION', 'ERROR');

-- CreateEnum
CREATE TYPE "SandboxSessionStatus" AS ENUM ('ACTIVE', 'IN_PROGRESS', 'CANCELED', 'COMPLETED');

-- CreateEnum
CREATE TYPE "SandboxInvoiceStatus" AS ENUM ('ISSUED', 'PENDING_ISSUER_ACKNOWLEDGE', 'RESERVED', 'PAID', 'CANCELED', 'FAILED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "SandboxLedgerEntryType" AS ENUM ('PAYMENT', 'REVERSAL', 'REFUND');

-- CreateEnum
CREATE TYPE "SandboxNotificationOutcome" AS ENUM ('DELIVERED', 'FAILED', 'DROPPED');

-- CreateTable
CREATE TABLE "Product" (
    "id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "imagePath" TEXT NOT NULL,
    "priceMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "taxRateBps" INTEGER NOT NULL,
    "stock" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "clientInvoiceId" TEXT NOT NULL,
    "status" "OrderStatus" NOT NULL DEFAULT 'PENDING',
    "currency" TEXT NOT NULL,
    "totalMinor" INTEGER NOT NULL,
    "taxMinor" INTEGER NOT NULL,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "customerMsisdn" TEXT,
    "customerSubscriberKey" TEXT,
    "source" "OrderSource" NOT NULL DEFAULT 'CART',
    "attentionReason" TEXT,
    "invoicingUntil" TIMESTAMP(3),
    "cartId" TEXT,
    "stockReservation" "StockReservation" NOT NULL DEFAULT 'NONE',
    "canceledAt" TIMESTAMP(3),
    "paidAt" TIMESTAMP(3),
    "fulfilledAt" TIMESTAMP(3),
    "expiredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderItem" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "productId" TEXT,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "unitPriceMinor" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "taxRateBps" INTEGER NOT NULL,
    "lineTotalMinor" INTEGER NOT NULL,

    CONSTRAINT "OrderItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PaymentAttempt" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "state" "AttemptState" NOT NULL DEFAULT 'SENT',
    "invoiceReference" TEXT,
    "seqrStatus" "SeqrInvoiceStatus",
    "seqrVersion" INTEGER NOT NULL DEFAULT 0,
    "ersReference" TEXT,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "receipt" JSONB,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "nextCheckAt" TIMESTAMP(3),
    "lastCheckedAt" TIMESTAMP(3),
    "lastAskedAt" TIMESTAMP(3),
    "sameAnswerCount" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "finalizedAt" TIMESTAMP(3),
    "cancelReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PaymentAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PaymentEvent" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "paymentAttemptId" TEXT,
    "type" "PaymentEventType" NOT NULL,
    "source" TEXT NOT NULL,
    "sourceAddress" TEXT,
    "fromStatus" "OrderStatus",
    "toStatus" "OrderStatus",
    "seqrResultCode" INTEGER,
    "detail" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PaymentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SeqrSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "msisdn" TEXT NOT NULL,
    "subscriberKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SeqrSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "recipient" TEXT,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Cart" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Cart_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CartItem" (
    "id" TEXT NOT NULL,
    "cartId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CartItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SandboxTerminal" (
    "id" TEXT NOT NULL,
    "password" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "allowsRefunds" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxTerminal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SandboxService" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "orderUrl" TEXT NOT NULL,
    "successUrl" TEXT NOT NULL,
    "failureUrl" TEXT NOT NULL,
    "cancelUrl" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxService_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SandboxSubscriber" (
    "msisdn" TEXT NOT NULL,
    "subscriberKey" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "balanceMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxSubscriber_pkey" PRIMARY KEY ("msisdn")
);

-- CreateTable
CREATE TABLE "SandboxSession" (
    "token" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "msisdn" TEXT NOT NULL,
    "authKey" TEXT NOT NULL,
    "parameters" JSONB NOT NULL,
    "status" "SandboxSessionStatus" NOT NULL DEFAULT 'ACTIVE',
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SandboxSession_pkey" PRIMARY KEY ("token")
);

-- CreateTable
CREATE TABLE "SandboxInvoice" (
    "reference" TEXT NOT NULL,
    "terminalId" TEXT NOT NULL,
    "clientInvoiceId" TEXT,
    "title" TEXT,
    "paymentMode" TEXT,
    "acknowledgmentMode" TEXT,
    "issueDate" TEXT,
    "currency" TEXT NOT NULL,
    "totalMinor" INTEGER NOT NULL,
    "rows" JSONB NOT NULL,
    "cashierId" TEXT,
    "footer" TEXT,
    "backUrl" TEXT,
    "notificationUrl" TEXT,
    "status" "SandboxInvoiceStatus" NOT NULL DEFAULT 'ISSUED',
    "version" INTEGER NOT NULL DEFAULT 1,
    "sessionToken" TEXT,
    "payerMsisdn" TEXT,
    "inProgressUntil" TIMESTAMP(3),
    "ersReference" TEXT,
    "paidAt" TIMESTAMP(3),
    "commitDeadline" TIMESTAMP(3),
    "committedAt" TIMESTAMP(3),
    "reversedAt" TIMESTAMP(3),
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SandboxInvoice_pkey" PRIMARY KEY ("reference")
);

-- CreateTable
CREATE TABLE "SandboxRefund" (
    "ersReference" TEXT NOT NULL,
    "invoiceReference" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "title" TEXT,
    "cashierId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxRefund_pkey" PRIMARY KEY ("ersReference")
);

-- CreateTable
CREATE TABLE "SandboxReceiptDocument" (
    "id" TEXT NOT NULL,
    "ersReference" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "receiptType" TEXT,
    "data" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxReceiptDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SandboxLedgerEntry" (
    "id" TEXT NOT NULL,
    "msisdn" TEXT NOT NULL,
    "type" "SandboxLedgerEntryType" NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "invoiceReference" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxLedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SandboxNotification" (
    "id" TEXT NOT NULL,
    "invoiceReference" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "outcome" "SandboxNotificationOutcome" NOT NULL,
    "httpStatus" INTEGER,
    "error" TEXT,
    "durationMs" INTEGER,
    "forged" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxNotification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SandboxFault" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "operation" TEXT,
    "resultCode" INTEGER,
    "httpStatus" INTEGER,
    "delayMs" INTEGER,
    "copies" INTEGER,
    "invoiceReference" TEXT,
    "remaining" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxFault_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SandboxTransactionPeriod" (
    "id" TEXT NOT NULL,
    "terminalId" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxTransactionPeriod_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SandboxConfig" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "commitWindowMs" INTEGER NOT NULL,
    "sessionTtlMs" INTEGER NOT NULL,
    "reportDelayMs" INTEGER NOT NULL,
    "invoiceInProgressMs" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SandboxConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminAccount" (
    "id" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "passwordGeneration" INTEGER NOT NULL DEFAULT 1,
    "failedSignIns" INTEGER NOT NULL DEFAULT 0,
    "signInBlockedUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdminAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "address" TEXT,
    "userAgent" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "passwordGeneration" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "AdminSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminSignInAttempt" (
    "id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdminSignInAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Refund" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "paymentAttemptId" TEXT NOT NULL,
    "requestKey" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "ersReference" TEXT,
    "seqrResultCode" INTEGER,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "Refund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReconciliationRun" (
    "id" TEXT NOT NULL,
    "transactionPeriodId" TEXT,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "reportTitle" TEXT,
    "reportContent" TEXT,
    "totals" JSONB,
    "mismatches" JSONB,
    "mismatchCount" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReconciliationRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimiterFlexible" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "expire" TIMESTAMP(3),

    CONSTRAINT "RateLimiterFlexible_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Product_sku_key" ON "Product"("sku");

-- CreateIndex
CREATE INDEX "Product_active_name_idx" ON "Product"("active", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Order_clientInvoiceId_key" ON "Order"("clientInvoiceId");

-- CreateIndex
CREATE INDEX "Order_status_createdAt_idx" ON "Order"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Order_createdAt_idx" ON "Order"("createdAt");

-- CreateIndex
CREATE INDEX "Order_customerMsisdn_idx" ON "Order"("customerMsisdn");

-- CreateIndex
CREATE INDEX "Order_attentionReason_idx" ON "Order"("attentionReason");

-- CreateIndex
CREATE INDEX "Order_cartId_status_idx" ON "Order"("cartId", "status");

-- CreateIndex
CREATE INDEX "OrderItem_orderId_idx" ON "OrderItem"("orderId");

-- CreateIndex
CREATE INDEX "OrderItem_productId_idx" ON "OrderItem"("productId");

-- CreateIndex
CREATE UNIQUE INDEX "PaymentAttempt_invoiceReference_key" ON "PaymentAttempt"("invoiceReference");

-- CreateIndex
CREATE UNIQUE INDEX "PaymentAttempt_ersReference_key" ON "PaymentAttempt"("ersReference");

-- CreateIndex
CREATE INDEX "PaymentAttempt_seqrStatus_nextCheckAt_idx" ON "PaymentAttempt"("seqrStatus", "nextCheckAt");

-- CreateIndex
CREATE INDEX "PaymentAttempt_state_createdAt_idx" ON "PaymentAttempt"("state", "createdAt");

-- CreateIndex
CREATE INDEX "PaymentAttempt_orderId_createdAt_idx" ON "PaymentAttempt"("orderId", "createdAt");

-- CreateIndex
CREATE INDEX "PaymentEvent_orderId_createdAt_idx" ON "PaymentEvent"("orderId", "createdAt");

-- CreateIndex
CREATE INDEX "PaymentEvent_paymentAttemptId_idx" ON "PaymentEvent"("paymentAttemptId");

-- CreateIndex
CREATE INDEX "PaymentEvent_type_createdAt_idx" ON "PaymentEvent"("type", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SeqrSession_tokenHash_key" ON "SeqrSession"("tokenHash");

-- CreateIndex
CREATE INDEX "SeqrSession_orderId_idx" ON "SeqrSession"("orderId");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_createdAt_idx" ON "OutboxMessage"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_orderId_kind_key" ON "OutboxMessage"("orderId", "kind");

-- CreateIndex
CREATE INDEX "Cart_updatedAt_idx" ON "Cart"("updatedAt");

-- CreateIndex
CREATE INDEX "CartItem_productId_idx" ON "CartItem"("productId");

-- CreateIndex
CREATE UNIQUE INDEX "CartItem_cartId_productId_key" ON "CartItem"("cartId", "productId");

-- CreateIndex
CREATE UNIQUE INDEX "SandboxSubscriber_subscriberKey_key" ON "SandboxSubscriber"("subscriberKey");

-- CreateIndex
CREATE UNIQUE INDEX "SandboxInvoice_ersReference_key" ON "SandboxInvoice"("ersReference");

-- CreateIndex
CREATE INDEX "SandboxInvoice_status_commitDeadline_idx" ON "SandboxInvoice"("status", "commitDeadline");

-- CreateIndex
CREATE INDEX "SandboxInvoice_terminalId_paidAt_idx" ON "SandboxInvoice"("terminalId", "paidAt");

-- CreateIndex
CREATE INDEX "SandboxRefund_invoiceReference_idx" ON "SandboxRefund"("invoiceReference");

-- CreateIndex
CREATE INDEX "SandboxRefund_createdAt_idx" ON "SandboxRefund"("createdAt");

-- CreateIndex
CREATE INDEX "SandboxReceiptDocument_ersReference_idx" ON "SandboxReceiptDocument"("ersReference");

-- CreateIndex
CREATE INDEX "SandboxLedgerEntry_msisdn_createdAt_idx" ON "SandboxLedgerEntry"("msisdn", "createdAt");

-- CreateIndex
CREATE INDEX "SandboxNotification_invoiceReference_createdAt_idx" ON "SandboxNotification"("invoiceReference", "createdAt");

-- CreateIndex
CREATE INDEX "SandboxFault_kind_operation_remaining_idx" ON "SandboxFault"("kind", "operation", "remaining");

-- CreateIndex
CREATE INDEX "SandboxTransactionPeriod_terminalId_endsAt_idx" ON "SandboxTransactionPeriod"("terminalId", "endsAt");

-- CreateIndex
CREATE UNIQUE INDEX "AdminSession_tokenHash_key" ON "AdminSession"("tokenHash");

-- CreateIndex
CREATE INDEX "AdminSession_lastSeenAt_idx" ON "AdminSession"("lastSeenAt");

-- CreateIndex
CREATE INDEX "AdminSignInAttempt_address_createdAt_idx" ON "AdminSignInAttempt"("address", "createdAt");

-- CreateIndex
CREATE INDEX "AdminSignInAttempt_createdAt_idx" ON "AdminSignInAttempt"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Refund_requestKey_key" ON "Refund"("requestKey");

-- CreateIndex
CREATE UNIQUE INDEX "Refund_ersReference_key" ON "Refund"("ersReference");

-- CreateIndex
CREATE INDEX "Refund_orderId_idx" ON "Refund"("orderId");

-- CreateIndex
CREATE INDEX "Refund_paymentAttemptId_idx" ON "Refund"("paymentAttemptId");

-- CreateIndex
CREATE INDEX "Refund_status_createdAt_idx" ON "Refund"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReconciliationRun_periodStart_key" ON "ReconciliationRun"("periodStart");

-- CreateIndex
CREATE INDEX "ReconciliationRun_createdAt_idx" ON "ReconciliationRun"("createdAt");

-- CreateIndex
CREATE INDEX "RateLimiterFlexible_expire_idx" ON "RateLimiterFlexible"("expire");

-- AddForeignKey
ALTER TABLE "OrderItem" ADD CONSTRAINT "OrderItem_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderItem" ADD CONSTRAINT "OrderItem_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaymentAttempt" ADD CONSTRAINT "PaymentAttempt_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaymentEvent" ADD CONSTRAINT "PaymentEvent_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaymentEvent" ADD CONSTRAINT "PaymentEvent_paymentAttemptId_fkey" FOREIGN KEY ("paymentAttemptId") REFERENCES "PaymentAttempt"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SeqrSession" ADD CONSTRAINT "SeqrSession_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CartItem" ADD CONSTRAINT "CartItem_cartId_fkey" FOREIGN KEY ("cartId") REFERENCES "Cart"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CartItem" ADD CONSTRAINT "CartItem_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SandboxSession" ADD CONSTRAINT "SandboxSession_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "SandboxService"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SandboxRefund" ADD CONSTRAINT "SandboxRefund_invoiceReference_fkey" FOREIGN KEY ("invoiceReference") REFERENCES "SandboxInvoice"("reference") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SandboxLedgerEntry" ADD CONSTRAINT "SandboxLedgerEntry_msisdn_fkey" FOREIGN KEY ("msisdn") REFERENCES "SandboxSubscriber"("msisdn") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SandboxNotification" ADD CONSTRAINT "SandboxNotification_invoiceReference_fkey" FOREIGN KEY ("invoiceReference") REFERENCES "SandboxInvoice"("reference") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Refund" ADD CONSTRAINT "Refund_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Refund" ADD CONSTRAINT "Refund_paymentAttemptId_fkey" FOREIGN KEY ("paymentAttemptId") REFERENCES "PaymentAttempt"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- PaymentEvent is the order's audit trail: rows are added, never changed or removed, as SQLite's triggers in
-- prisma/sqlite/migrations/20261127035357_payment_event_append_only enforce there. Prisma does not model
-- triggers, so a later migration that rebuilds the PaymentEvent table must re-create these
-- (tests/integration/database.test.ts fails if they are gone).
-- No semicolon may appear in this file except between statements (some of Prisma's drivers split the script
-- at every one), so the function body writes its own as \x3B in an escape string.
CREATE FUNCTION "PaymentEvent_append_only"() RETURNS trigger LANGUAGE plpgsql
    AS E'BEGIN RAISE EXCEPTION ''PaymentEvent is append-only''\x3B END\x3B';

CREATE TRIGGER "PaymentEvent_no_update" BEFORE UPDATE ON "PaymentEvent"
    FOR EACH ROW EXECUTE FUNCTION "PaymentEvent_append_only"();

CREATE TRIGGER "PaymentEvent_no_delete" BEFORE DELETE ON "PaymentEvent"
    FOR EACH ROW EXECUTE FUNCTION "PaymentEvent_append_only"();

-- TRUNCATE skips row triggers: it is refused too.
CREATE TRIGGER "PaymentEvent_no_truncate" BEFORE TRUNCATE ON "PaymentEvent"
    FOR EACH STATEMENT EXECUTE FUNCTION "PaymentEvent_append_only"();
