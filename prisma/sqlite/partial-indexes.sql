-- Indexes prisma/sqlite/schema.prisma cannot declare, because they are partial. The migrations
-- create them; `npm run db:check` adds this file to what the schema declares before comparing.
-- A query uses them only when its WHERE implies theirs: `"status" = 'pending'` does, an IN list
-- does not.

-- Events not yet finished: pending, or being sent under a lease.
CREATE INDEX "WebhookEvent_status_channelId_seq_idx" ON "WebhookEvent"("status", "channelId", "seq")
    WHERE "status" = 'pending' OR "status" = 'sending';

-- Events waiting for a redelivery.
CREATE INDEX "WebhookEvent_status_channelId_nextAttemptAt_idx" ON "WebhookEvent"("status", "channelId", "nextAttemptAt")
    WHERE "status" = 'retrying';
