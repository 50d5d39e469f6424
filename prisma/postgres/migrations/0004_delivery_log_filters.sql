-- The Delivery log filters sends by their event's type and source, kept with each send.
ALTER TABLE "DeliveryAttempt" ADD COLUMN "eventType" TEXT;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "sourceUserId" TEXT;
ALTER TABLE "DeliveryAttempt" ADD COLUMN "sourceGroupId" TEXT;

-- Sends made before this migration take them from their stored event.
UPDATE "DeliveryAttempt" AS a SET
    "eventType" = e."type",
    "sourceUserId" = e."event"::jsonb #>> '{source,userId}',
    "sourceGroupId" = coalesce(e."event"::jsonb #>> '{source,groupId}', e."event"::jsonb #>> '{source,roomId}')
FROM "WebhookEvent" AS e
WHERE e."webhookEventId" = a."webhookEventId";

CREATE INDEX "DeliveryAttempt_channelId_reason_detail_id_idx" ON "DeliveryAttempt"("channelId", "reason", "detail", "id");
CREATE INDEX "DeliveryAttempt_channelId_kind_id_idx" ON "DeliveryAttempt"("channelId", "kind", "id");
CREATE INDEX "DeliveryAttempt_channelId_eventType_id_idx" ON "DeliveryAttempt"("channelId", "eventType", "id");
CREATE INDEX "DeliveryAttempt_channelId_sourceUserId_id_idx" ON "DeliveryAttempt"("channelId", "sourceUserId", "id");
CREATE INDEX "DeliveryAttempt_channelId_sourceGroupId_id_idx" ON "DeliveryAttempt"("channelId", "sourceGroupId", "id");
CREATE INDEX "DeliveryAttempt_channelId_startedAt_idx" ON "DeliveryAttempt"("channelId", "startedAt");
