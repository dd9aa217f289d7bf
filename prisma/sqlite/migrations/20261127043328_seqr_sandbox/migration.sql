-- CreateTable
CREATE TABLE "SandboxTerminal" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "password" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "allowsRefunds" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SandboxService" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "orderUrl" TEXT NOT NULL,
    "successUrl" TEXT NOT NULL,
    "failureUrl" TEXT NOT NULL,
    "cancelUrl" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SandboxSubscriber" (
    "msisdn" TEXT NOT NULL PRIMARY KEY,
    "subscriberKey" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "balanceMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SandboxSession" (
    "token" TEXT NOT NULL PRIMARY KEY,
    "serviceId" TEXT NOT NULL,
    "msisdn" TEXT NOT NULL,
    "authKey" TEXT NOT NULL,
    "parameters" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SandboxSession_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "SandboxService" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SandboxInvoice" (
    "reference" TEXT NOT NULL PRIMARY KEY,
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
    "status" TEXT NOT NULL DEFAULT 'ISSUED',
    "version" INTEGER NOT NULL DEFAULT 1,
    "sessionToken" TEXT,
    "payerMsisdn" TEXT,
    "inProgressUntil" DATETIME,
    "ersReference" TEXT,
    "paidAt" DATETIME,
    "commitDeadline" DATETIME,
    "committedAt" DATETIME,
    "reversedAt" DATETIME,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SandboxRefund" (
    "ersReference" TEXT NOT NULL PRIMARY KEY,
    "invoiceReference" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "title" TEXT,
    "cashierId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SandboxRefund_invoiceReference_fkey" FOREIGN KEY ("invoiceReference") REFERENCES "SandboxInvoice" ("reference") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SandboxReceiptDocument" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ersReference" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "receiptType" TEXT,
    "data" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SandboxLedgerEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "msisdn" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "invoiceReference" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SandboxLedgerEntry_msisdn_fkey" FOREIGN KEY ("msisdn") REFERENCES "SandboxSubscriber" ("msisdn") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SandboxNotification" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "invoiceReference" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "httpStatus" INTEGER,
    "error" TEXT,
    "durationMs" INTEGER,
    "forged" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SandboxNotification_invoiceReference_fkey" FOREIGN KEY ("invoiceReference") REFERENCES "SandboxInvoice" ("reference") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SandboxFault" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "operation" TEXT,
    "resultCode" INTEGER,
    "httpStatus" INTEGER,
    "delayMs" INTEGER,
    "copies" INTEGER,
    "remaining" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SandboxTransactionPeriod" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "terminalId" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SandboxConfig" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "commitWindowMs" INTEGER NOT NULL,
    "sessionTtlMs" INTEGER NOT NULL,
    "reportDelayMs" INTEGER NOT NULL,
    "invoiceInProgressMs" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

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
