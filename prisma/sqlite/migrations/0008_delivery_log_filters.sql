-- The Delivery log filters sends by their event's type and source, kept with each send.
ALTER TABLE "DeliveryAttempt" ADD COLUMN "eventType" TEXT;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "sourceUserId" TEXT;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "sourceGroupId" TEXT;

-- Sends made before this migration take them from their stored event.
UPDATE "DeliveryAttempt" SET ("eventType", "sourceUserId", "sourceGroupId") = (
    SELECT "type",
           json_extract("event", '$.source.userId'),
           coalesce(json_extract("event", '$.source.groupId'), json_extract("event", '$.source.roomId'))
    FROM "WebhookEvent" WHERE "WebhookEvent"."webhookEventId" = "DeliveryAttempt"."webhookEventId"
) WHERE "webhookEventId" IS NOT NULL;

CREATE INDEX "DeliveryAttempt_channelId_reason_detail_id_idx" ON "DeliveryAttempt"("channelId", "reason", "detail", "id");
CREATE INDEX "DeliveryAttempt_channelId_kind_id_idx" ON "DeliveryAttempt"("channelId", "kind", "id");
CREATE INDEX "DeliveryAttempt_channelId_eventType_id_idx" ON "DeliveryAttempt"("channelId", "eventType", "id");
CREATE INDEX "DeliveryAttempt_channelId_sourceUserId_id_idx" ON "DeliveryAttempt"("channelId", "sourceUserId", "id");
CREATE INDEX "DeliveryAttempt_channelId_sourceGroupId_id_idx" ON "DeliveryAttempt"("channelId", "sourceGroupId", "id");
CREATE INDEX "DeliveryAttempt_channelId_startedAt_idx" ON "DeliveryAttempt"("channelId", "startedAt");
