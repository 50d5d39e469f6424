-- CreateTable
CREATE TABLE "NotificationGroup" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channelId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "lastAt" DATETIME NOT NULL,
    "count" INTEGER NOT NULL,
    "emailedAt" DATETIME
);

-- CreateTable
CREATE TABLE "EmailMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channelId" TEXT,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lastError" TEXT
);

-- CreateIndex
CREATE INDEX "NotificationGroup_emailedAt_openedAt_idx" ON "NotificationGroup"("emailedAt", "openedAt");

-- CreateIndex
CREATE INDEX "NotificationGroup_channelId_kind_reason_detail_openedAt_idx" ON "NotificationGroup"("channelId", "kind", "reason", "detail", "openedAt");

-- CreateIndex
CREATE INDEX "EmailMessage_sentAt_nextAttemptAt_idx" ON "EmailMessage"("sentAt", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "EmailMessage_channelId_id_idx" ON "EmailMessage"("channelId", "id");

-- CreateIndex
CREATE INDEX "WebhookEvent_status_channelId_nextAttemptAt_idx" ON "WebhookEvent"("status", "channelId", "nextAttemptAt");

