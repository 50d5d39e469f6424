-- The status indexes keep only unfinished events (see ../partial-indexes.sql).
DROP INDEX "WebhookEvent_status_channelId_seq_idx";
DROP INDEX "WebhookEvent_status_channelId_nextAttemptAt_idx";

CREATE INDEX "WebhookEvent_status_channelId_seq_idx" ON "WebhookEvent"("status", "channelId", "seq")
    WHERE "status" = 'pending' OR "status" = 'sending';

CREATE INDEX "WebhookEvent_status_channelId_nextAttemptAt_idx" ON "WebhookEvent"("status", "channelId", "nextAttemptAt")
    WHERE "status" = 'retrying';
