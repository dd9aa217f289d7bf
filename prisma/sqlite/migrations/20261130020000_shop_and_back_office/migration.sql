-- AlterTable
ALTER TABLE "PaymentEvent" ADD COLUMN "actorAccountId" TEXT;
ALTER TABLE "PaymentEvent" ADD COLUMN "actorName" TEXT;

-- AlterTable
ALTER TABLE "Product" ADD COLUMN "retiredAt" DATETIME;

-- CreateTable
CREATE TABLE "ProductImage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "contentType" TEXT NOT NULL,
    "bytes" BLOB NOT NULL,
    "byteLength" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "CatalogChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "productId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "actorAccountId" TEXT,
    "actorName" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CatalogChange_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OrderNumberCounter" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "lastNumber" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "RefundLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "refundId" TEXT NOT NULL,
    "orderItemId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "restock" BOOLEAN NOT NULL,
    "restockedAt" DATETIME,
    CONSTRAINT "RefundLine_refundId_fkey" FOREIGN KEY ("refundId") REFERENCES "Refund" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "RefundLine_orderItemId_fkey" FOREIGN KEY ("orderItemId") REFERENCES "OrderItem" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AdminAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT,
    "name" TEXT NOT NULL DEFAULT 'Owner',
    "role" TEXT NOT NULL DEFAULT 'OWNER',
    "passwordHash" TEXT NOT NULL,
    "passwordFromSetting" BOOLEAN NOT NULL DEFAULT true,
    "totpSecret" TEXT,
    "totpEnabledAt" DATETIME,
    "totpLastStep" INTEGER,
    "disabledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "passwordGeneration" INTEGER NOT NULL DEFAULT 1,
    "failedSignIns" INTEGER NOT NULL DEFAULT 0,
    "signInBlockedUntil" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_AdminAccount" ("failedSignIns", "id", "passwordGeneration", "passwordHash", "signInBlockedUntil", "updatedAt") SELECT "failedSignIns", "id", "passwordGeneration", "passwordHash", "signInBlockedUntil", "updatedAt" FROM "AdminAccount";
DROP TABLE "AdminAccount";
ALTER TABLE "new_AdminAccount" RENAME TO "AdminAccount";
CREATE UNIQUE INDEX "AdminAccount_email_key" ON "AdminAccount"("email");
CREATE TABLE "new_AdminSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "address" TEXT,
    "userAgent" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "passwordGeneration" INTEGER NOT NULL DEFAULT 1,
    "accountId" TEXT,
    "awaitingSecondFactor" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_AdminSession" ("address", "createdAt", "id", "lastSeenAt", "passwordGeneration", "tokenHash", "userAgent") SELECT "address", "createdAt", "id", "lastSeenAt", "passwordGeneration", "tokenHash", "userAgent" FROM "AdminSession";
DROP TABLE "AdminSession";
ALTER TABLE "new_AdminSession" RENAME TO "AdminSession";
CREATE UNIQUE INDEX "AdminSession_tokenHash_key" ON "AdminSession"("tokenHash");
CREATE INDEX "AdminSession_lastSeenAt_idx" ON "AdminSession"("lastSeenAt");
CREATE INDEX "AdminSession_accountId_idx" ON "AdminSession"("accountId");
CREATE TABLE "new_Order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clientInvoiceId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
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
-- Existing orders are numbered in the order they were placed, from 1001.
INSERT INTO "new_Order" ("attentionReason", "canceledAt", "carrier", "cartId", "clientInvoiceId", "createdAt", "currency", "customerEmail", "customerMsisdn", "customerSubscriberKey", "deliveryCity", "deliveryCountry", "deliveryMethod", "deliveryName", "deliveryPostcode", "deliveryStreet", "expiredAt", "fulfilledAt", "fulfilmentStatus", "id", "invoicingUntil", "paidAt", "pickedUpAt", "refundedMinor", "shippedAt", "source", "status", "stockReservation", "taxMinor", "totalMinor", "trackingNumber", "trackingUrl", "updatedAt", "number") SELECT "attentionReason", "canceledAt", "carrier", "cartId", "clientInvoiceId", "createdAt", "currency", "customerEmail", "customerMsisdn", "customerSubscriberKey", "deliveryCity", "deliveryCountry", "deliveryMethod", "deliveryName", "deliveryPostcode", "deliveryStreet", "expiredAt", "fulfilledAt", "fulfilmentStatus", "id", "invoicingUntil", "paidAt", "pickedUpAt", "refundedMinor", "shippedAt", "source", "status", "stockReservation", "taxMinor", "totalMinor", "trackingNumber", "trackingUrl", "updatedAt", 1000 + ROW_NUMBER() OVER (ORDER BY "createdAt", "id") FROM "Order";
DROP TABLE "Order";
ALTER TABLE "new_Order" RENAME TO "Order";
CREATE UNIQUE INDEX "Order_clientInvoiceId_key" ON "Order"("clientInvoiceId");
CREATE UNIQUE INDEX "Order_number_key" ON "Order"("number");
CREATE INDEX "Order_status_createdAt_idx" ON "Order"("status", "createdAt");
CREATE INDEX "Order_createdAt_idx" ON "Order"("createdAt");
CREATE INDEX "Order_customerMsisdn_idx" ON "Order"("customerMsisdn");
CREATE INDEX "Order_customerEmail_idx" ON "Order"("customerEmail");
CREATE INDEX "Order_attentionReason_idx" ON "Order"("attentionReason");
CREATE INDEX "Order_cartId_status_idx" ON "Order"("cartId", "status");
CREATE INDEX "Order_fulfilmentStatus_status_idx" ON "Order"("fulfilmentStatus", "status");
CREATE TABLE "new_OrderItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orderId" TEXT NOT NULL,
    "productId" TEXT,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "unitPriceMinor" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "taxRateBps" INTEGER NOT NULL,
    "lineTotalMinor" INTEGER NOT NULL,
    "refundedQuantity" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "OrderItem_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "OrderItem_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_OrderItem" ("id", "lineTotalMinor", "name", "orderId", "productId", "quantity", "sku", "taxRateBps", "unitPriceMinor") SELECT "id", "lineTotalMinor", "name", "orderId", "productId", "quantity", "sku", "taxRateBps", "unitPriceMinor" FROM "OrderItem";
DROP TABLE "OrderItem";
ALTER TABLE "new_OrderItem" RENAME TO "OrderItem";
CREATE INDEX "OrderItem_orderId_idx" ON "OrderItem"("orderId");
CREATE INDEX "OrderItem_productId_idx" ON "OrderItem"("productId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "CatalogChange_productId_createdAt_idx" ON "CatalogChange"("productId", "createdAt");

-- CreateIndex
CREATE INDEX "RefundLine_refundId_idx" ON "RefundLine"("refundId");

-- CreateIndex
CREATE INDEX "RefundLine_orderItemId_idx" ON "RefundLine"("orderItemId");


-- The counter carries on after the orders numbered above (1000 when there are none: the first order is #1001).
INSERT INTO "OrderNumberCounter" ("id", "lastNumber") SELECT 1, 1000 + COUNT(*) FROM "Order";
