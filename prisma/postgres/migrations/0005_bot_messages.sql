-- CreateTable
CREATE TABLE "BotMessage" (
    "id" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "webhookEventId" TEXT,
    "requestId" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "quoteToken" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BotMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReplyTokenUse" (
    "webhookEventId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "usedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ReplyTokenUse_pkey" PRIMARY KEY ("webhookEventId")
);

-- CreateIndex
CREATE INDEX "BotMessage_channelId_to_createdAt_idx" ON "BotMessage"("channelId", "to", "createdAt");

-- CreateIndex
CREATE INDEX "ReplyTokenUse_channelId_idx" ON "ReplyTokenUse"("channelId");

-- AddForeignKey
ALTER TABLE "BotMessage" ADD CONSTRAINT "BotMessage_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReplyTokenUse" ADD CONSTRAINT "ReplyTokenUse_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

