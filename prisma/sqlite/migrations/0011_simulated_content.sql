-- CreateTable
CREATE TABLE "SimulatedContent" (
    "messageId" TEXT NOT NULL PRIMARY KEY,
    "channelId" TEXT NOT NULL,
    "webhookEventId" TEXT NOT NULL,
    CONSTRAINT "SimulatedContent_webhookEventId_fkey" FOREIGN KEY ("webhookEventId") REFERENCES "WebhookEvent" ("webhookEventId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SimulatedContent_webhookEventId_idx" ON "SimulatedContent"("webhookEventId");

