-- CreateTable
CREATE TABLE "IngestRetryKey" (
    "channelId" TEXT NOT NULL,
    "retryKey" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "webhookEventIds" TEXT NOT NULL,
    "willSend" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IngestRetryKey_pkey" PRIMARY KEY ("channelId", "retryKey")
);

-- CreateIndex
CREATE INDEX "IngestRetryKey_createdAt_idx" ON "IngestRetryKey"("createdAt");
