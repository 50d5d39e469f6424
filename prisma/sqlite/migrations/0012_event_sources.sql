-- Who each event came from, kept with it, so that a send files its attempt under its user and its
-- group or room without parsing the event. Events stored before this are filled in from their JSON.
ALTER TABLE "WebhookEvent" ADD COLUMN "sourceUserId" TEXT;
ALTER TABLE "WebhookEvent" ADD COLUMN "sourceGroupId" TEXT;
UPDATE "WebhookEvent" SET
  "sourceUserId" = CASE WHEN json_type("event", '$.source.userId') = 'text' THEN nullif(json_extract("event", '$.source.userId'), '') END,
  "sourceGroupId" = coalesce(
    CASE WHEN json_type("event", '$.source.groupId') = 'text' THEN nullif(json_extract("event", '$.source.groupId'), '') END,
    CASE WHEN json_type("event", '$.source.roomId') = 'text' THEN nullif(json_extract("event", '$.source.roomId'), '') END)
WHERE json_valid("event");
