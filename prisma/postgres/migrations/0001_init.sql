-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Provider" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Provider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Channel" (
    "id" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "email" TEXT NOT NULL DEFAULT '',
    "channelSecret" TEXT NOT NULL,
    "botUserId" TEXT NOT NULL,
    "webhookUrl" TEXT,
    "useWebhook" BOOLEAN NOT NULL DEFAULT false,
    "webhookRedelivery" BOOLEAN NOT NULL DEFAULT false,
    "errorStatisticsAggregation" BOOLEAN NOT NULL DEFAULT false,
    "errorNotification" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelMember" (
    "channelId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelMember_pkey" PRIMARY KEY ("channelId","userId")
);

-- CreateTable
CREATE TABLE "AggregationPeriod" (
    "id" SERIAL NOT NULL,
    "channelId" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "AggregationPeriod_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelAccessToken" (
    "id" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ChannelAccessToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SimulatedUser" (
    "id" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SimulatedUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "seq" SERIAL NOT NULL,
    "webhookEventId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "nextAttemptAt" TIMESTAMPTZ(3),
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "DeliveryAttempt" (
    "id" SERIAL NOT NULL,
    "channelId" TEXT NOT NULL,
    "webhookEventId" TEXT,
    "kind" TEXT NOT NULL,
    "isRedelivery" BOOLEAN NOT NULL DEFAULT false,
    "url" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "durationMs" DOUBLE PRECISION NOT NULL,
    "dnsMs" DOUBLE PRECISION,
    "connectMs" DOUBLE PRECISION,
    "tlsMs" DOUBLE PRECISION,
    "firstByteMs" DOUBLE PRECISION,
    "httpVersion" TEXT,
    "success" BOOLEAN NOT NULL,
    "statusCode" INTEGER,
    "reason" TEXT,
    "detail" TEXT,
    "requestExcerpt" TEXT NOT NULL,
    "responseExcerpt" TEXT,

    CONSTRAINT "DeliveryAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ErrorStat" (
    "channelId" TEXT NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "firstAt" TIMESTAMPTZ(3) NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "ErrorStat_pkey" PRIMARY KEY ("channelId","windowStart","reason","detail")
);

-- CreateTable
CREATE TABLE "ErrorStatHour" (
    "channelId" TEXT NOT NULL,
    "hourStart" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,

    CONSTRAINT "ErrorStatHour_pkey" PRIMARY KEY ("channelId","hourStart","reason","detail")
);

-- CreateTable
CREATE TABLE "NotificationGroup" (
    "id" SERIAL NOT NULL,
    "channelId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "emailedAt" TIMESTAMPTZ(3),

    CONSTRAINT "NotificationGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailMessage" (
    "id" SERIAL NOT NULL,
    "channelId" TEXT,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "sentAt" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3),
    "lastError" TEXT,

    CONSTRAINT "EmailMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelLease" (
    "channelId" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChannelLease_pkey" PRIMARY KEY ("channelId")
);

-- CreateTable
CREATE TABLE "Dispatcher" (
    "id" TEXT NOT NULL,
    "seenAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Dispatcher_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Channel_botUserId_key" ON "Channel"("botUserId");

-- CreateIndex
CREATE INDEX "ChannelMember_userId_idx" ON "ChannelMember"("userId");

-- CreateIndex
CREATE INDEX "AggregationPeriod_channelId_startedAt_idx" ON "AggregationPeriod"("channelId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelAccessToken_tokenHash_key" ON "ChannelAccessToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ChannelAccessToken_channelId_idx" ON "ChannelAccessToken"("channelId");

-- CreateIndex
CREATE INDEX "SimulatedUser_channelId_idx" ON "SimulatedUser"("channelId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_webhookEventId_key" ON "WebhookEvent"("webhookEventId");

-- CreateIndex
CREATE INDEX "WebhookEvent_status_channelId_seq_idx" ON "WebhookEvent"("status", "channelId", "seq");

-- CreateIndex
CREATE INDEX "WebhookEvent_status_channelId_nextAttemptAt_idx" ON "WebhookEvent"("status", "channelId", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookEvent_channelId_seq_idx" ON "WebhookEvent"("channelId", "seq");

-- CreateIndex
CREATE INDEX "DeliveryAttempt_channelId_id_idx" ON "DeliveryAttempt"("channelId", "id");

-- CreateIndex
CREATE INDEX "DeliveryAttempt_webhookEventId_idx" ON "DeliveryAttempt"("webhookEventId");

-- CreateIndex
CREATE INDEX "ErrorStat_channelId_windowStart_idx" ON "ErrorStat"("channelId", "windowStart");

-- CreateIndex
CREATE INDEX "NotificationGroup_emailedAt_openedAt_idx" ON "NotificationGroup"("emailedAt", "openedAt");

-- CreateIndex
CREATE INDEX "NotificationGroup_channelId_kind_reason_detail_openedAt_idx" ON "NotificationGroup"("channelId", "kind", "reason", "detail", "openedAt");

-- CreateIndex
CREATE INDEX "EmailMessage_sentAt_nextAttemptAt_idx" ON "EmailMessage"("sentAt", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "EmailMessage_channelId_id_idx" ON "EmailMessage"("channelId", "id");

-- CreateIndex
CREATE INDEX "ChannelLease_holder_idx" ON "ChannelLease"("holder");

-- CreateIndex
CREATE INDEX "Dispatcher_seenAt_idx" ON "Dispatcher"("seenAt");

-- AddForeignKey
ALTER TABLE "Provider" ADD CONSTRAINT "Provider_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Channel" ADD CONSTRAINT "Channel_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelMember" ADD CONSTRAINT "ChannelMember_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelMember" ADD CONSTRAINT "ChannelMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AggregationPeriod" ADD CONSTRAINT "AggregationPeriod_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelAccessToken" ADD CONSTRAINT "ChannelAccessToken_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimulatedUser" ADD CONSTRAINT "SimulatedUser_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

