-- CreateEnum
CREATE TYPE "DeliveryMethod" AS ENUM ('SHIP', 'PICKUP');

-- CreateEnum
CREATE TYPE "FulfilmentStatus" AS ENUM ('UNFULFILLED', 'SHIPPED', 'PICKED_UP', 'NOT_TO_SHIP');

-- CreateEnum
CREATE TYPE "OutboxChannel" AS ENUM ('EMAIL', 'SEQR_RECEIPT');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENDING', 'SENT', 'DEAD');

-- DropIndex
DROP INDEX "OutboxMessage_orderId_kind_key";

-- DropIndex
DROP INDEX "OutboxMessage_status_createdAt_idx";

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "carrier" TEXT,
ADD COLUMN     "customerEmail" TEXT,
ADD COLUMN     "deliveryCity" TEXT,
ADD COLUMN     "deliveryCountry" TEXT,
ADD COLUMN     "deliveryMethod" "DeliveryMethod",
ADD COLUMN     "deliveryName" TEXT,
ADD COLUMN     "deliveryPostcode" TEXT,
ADD COLUMN     "deliveryStreet" TEXT,
ADD COLUMN     "fulfilmentStatus" "FulfilmentStatus" NOT NULL DEFAULT 'UNFULFILLED',
ADD COLUMN     "pickedUpAt" TIMESTAMP(3),
ADD COLUMN     "shippedAt" TIMESTAMP(3),
ADD COLUMN     "trackingNumber" TEXT,
ADD COLUMN     "trackingUrl" TEXT;

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "channel" "OutboxChannel" NOT NULL DEFAULT 'EMAIL',
ADD COLUMN     "dedupeKey" TEXT,
ADD COLUMN     "lastAttemptAt" TIMESTAMP(3),
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
DROP COLUMN "status",
ADD COLUMN     "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING';

-- Messages queued before the shop delivered any: kept, keyed as the worker keys them, and set aside as DEAD with
-- the reason, because those orders carry no e-mail address to send a confirmation to.
UPDATE "OutboxMessage" SET "dedupeKey" = "kind" || ':' || "orderId", "status" = 'DEAD',
    "lastError" = 'Queued before the shop sent e-mails: the order has no e-mail address to send it to.'
    WHERE "dedupeKey" IS NULL;

ALTER TABLE "OutboxMessage" ALTER COLUMN "dedupeKey" SET NOT NULL;

-- CreateTable
CREATE TABLE "SandboxMail" (
    "id" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SandboxMail_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SandboxMail_messageId_key" ON "SandboxMail"("messageId");

-- CreateIndex
CREATE INDEX "SandboxMail_createdAt_idx" ON "SandboxMail"("createdAt");

-- CreateIndex
CREATE INDEX "Order_fulfilmentStatus_status_idx" ON "Order"("fulfilmentStatus", "status");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_orderId_idx" ON "OutboxMessage"("orderId");

