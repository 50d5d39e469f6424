-- AlterTable
ALTER TABLE "BotMessage" ADD COLUMN     "position" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "BotSendError" (
    "id" SERIAL NOT NULL,
    "channelId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "webhookEventId" TEXT,
    "requestId" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "error" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BotSendError_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BotSendError_channelId_to_createdAt_idx" ON "BotSendError"("channelId", "to", "createdAt");

-- AddForeignKey
ALTER TABLE "BotSendError" ADD CONSTRAINT "BotSendError_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

