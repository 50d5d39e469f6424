-- CreateTable
CREATE TABLE "BotMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channelId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "webhookEventId" TEXT,
    "requestId" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "quoteToken" TEXT,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "BotMessage_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReplyTokenUse" (
    "webhookEventId" TEXT NOT NULL PRIMARY KEY,
    "channelId" TEXT NOT NULL,
    "usedAt" DATETIME NOT NULL,
    CONSTRAINT "ReplyTokenUse_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "BotMessage_channelId_to_createdAt_idx" ON "BotMessage"("channelId", "to", "createdAt");

-- CreateIndex
CREATE INDEX "ReplyTokenUse_channelId_idx" ON "ReplyTokenUse"("channelId");

