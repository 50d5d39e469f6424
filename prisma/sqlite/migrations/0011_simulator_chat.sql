-- AlterTable
ALTER TABLE "BotMessage" ADD COLUMN "position" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "BotSendError" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channelId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "webhookEventId" TEXT,
    "requestId" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "error" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "BotSendError_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "BotSendError_channelId_to_createdAt_idx" ON "BotSendError"("channelId", "to", "createdAt");
