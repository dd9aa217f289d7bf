-- Hardening (issue 13): rate limits in the database, admin password generations, the per-account sign-in backoff,
-- session lifetimes, the cart that placed an order, and the per-invoice look stamp.
-- AlterTable
ALTER TABLE "Order" ADD COLUMN "cartId" TEXT;

-- AlterTable
ALTER TABLE "PaymentAttempt" ADD COLUMN "lastAskedAt" DATETIME;

-- CreateTable
CREATE TABLE "RateLimiterFlexible" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "points" INTEGER NOT NULL,
    "expire" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AdminAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "passwordHash" TEXT NOT NULL,
    "passwordGeneration" INTEGER NOT NULL DEFAULT 1,
    "failedSignIns" INTEGER NOT NULL DEFAULT 0,
    "signInBlockedUntil" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_AdminAccount" ("id", "passwordHash", "updatedAt") SELECT "id", "passwordHash", "updatedAt" FROM "AdminAccount";
DROP TABLE "AdminAccount";
ALTER TABLE "new_AdminAccount" RENAME TO "AdminAccount";
CREATE TABLE "new_AdminSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "address" TEXT,
    "userAgent" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "passwordGeneration" INTEGER NOT NULL DEFAULT 1
);
INSERT INTO "new_AdminSession" ("address", "createdAt", "id", "lastSeenAt", "tokenHash", "userAgent") SELECT "address", "createdAt", "id", "lastSeenAt", "tokenHash", "userAgent" FROM "AdminSession";
DROP TABLE "AdminSession";
ALTER TABLE "new_AdminSession" RENAME TO "AdminSession";
CREATE UNIQUE INDEX "AdminSession_tokenHash_key" ON "AdminSession"("tokenHash");
CREATE INDEX "AdminSession_lastSeenAt_idx" ON "AdminSession"("lastSeenAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RateLimiterFlexible_expire_idx" ON "RateLimiterFlexible"("expire");

-- CreateIndex
CREATE INDEX "Order_cartId_status_idx" ON "Order"("cartId", "status");

