-- CreateTable
CREATE TABLE "SimulatedUser" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channelId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SimulatedUser_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "webhookEventId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL,
    "nextAttemptAt" DATETIME,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "DeliveryAttempt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channelId" TEXT NOT NULL,
    "webhookEventId" TEXT,
    "kind" TEXT NOT NULL,
    "isRedelivery" BOOLEAN NOT NULL DEFAULT false,
    "url" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "durationMs" REAL NOT NULL,
    "dnsMs" REAL,
    "connectMs" REAL,
    "tlsMs" REAL,
    "firstByteMs" REAL,
    "httpVersion" TEXT,
    "success" BOOLEAN NOT NULL,
    "statusCode" INTEGER,
    "reason" TEXT,
    "detail" TEXT,
    "requestExcerpt" TEXT NOT NULL,
    "responseExcerpt" TEXT
);

-- CreateTable
CREATE TABLE "ErrorStat" (
    "channelId" TEXT NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "firstAt" DATETIME NOT NULL,
    "lastAt" DATETIME NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("channelId", "windowStart", "reason", "detail")
);

-- CreateIndex
CREATE INDEX "SimulatedUser_channelId_idx" ON "SimulatedUser"("channelId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_webhookEventId_key" ON "WebhookEvent"("webhookEventId");

-- CreateIndex
CREATE INDEX "WebhookEvent_status_channelId_seq_idx" ON "WebhookEvent"("status", "channelId", "seq");

-- CreateIndex
CREATE INDEX "WebhookEvent_channelId_seq_idx" ON "WebhookEvent"("channelId", "seq");

-- CreateIndex
CREATE INDEX "DeliveryAttempt_channelId_id_idx" ON "DeliveryAttempt"("channelId", "id");

-- CreateIndex
CREATE INDEX "DeliveryAttempt_webhookEventId_idx" ON "DeliveryAttempt"("webhookEventId");

-- CreateIndex
CREATE INDEX "ErrorStat_channelId_windowStart_idx" ON "ErrorStat"("channelId", "windowStart");

