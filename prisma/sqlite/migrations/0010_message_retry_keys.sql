-- CreateTable
CREATE TABLE "MessageRetryKey" (
    "channelId" TEXT NOT NULL,
    "retryKey" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "response" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("channelId", "retryKey")
);

-- CreateIndex
CREATE INDEX "MessageRetryKey_createdAt_idx" ON "MessageRetryKey"("createdAt");

