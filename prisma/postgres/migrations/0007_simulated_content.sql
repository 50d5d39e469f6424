-- CreateTable
CREATE TABLE "SimulatedContent" (
    "messageId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "webhookEventId" TEXT NOT NULL,

    CONSTRAINT "SimulatedContent_pkey" PRIMARY KEY ("messageId")
);

-- CreateIndex
CREATE INDEX "SimulatedContent_webhookEventId_idx" ON "SimulatedContent"("webhookEventId");

-- AddForeignKey
ALTER TABLE "SimulatedContent" ADD CONSTRAINT "SimulatedContent_webhookEventId_fkey" FOREIGN KEY ("webhookEventId") REFERENCES "WebhookEvent"("webhookEventId") ON DELETE CASCADE ON UPDATE CASCADE;

