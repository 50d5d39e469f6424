-- Who each event came from, kept with it, so that a send files its attempt under its user and its
-- group or room without parsing the event. Events stored before this are filled in from their JSON;
-- one whose text is not JSON is left without them.
ALTER TABLE "WebhookEvent" ADD COLUMN "sourceUserId" TEXT;
ALTER TABLE "WebhookEvent" ADD COLUMN "sourceGroupId" TEXT;
CREATE FUNCTION pg_temp.event_source_field(event text, field text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  source jsonb;
BEGIN
  source := event::jsonb -> 'source';
  IF jsonb_typeof(source -> field) = 'string' THEN
    RETURN nullif(source ->> field, '');
  END IF;
  RETURN NULL;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN NULL;
END $$;
UPDATE "WebhookEvent" SET
  "sourceUserId" = pg_temp.event_source_field("event", 'userId'),
  "sourceGroupId" = coalesce(pg_temp.event_source_field("event", 'groupId'), pg_temp.event_source_field("event", 'roomId'));
DROP FUNCTION pg_temp.event_source_field(text, text);
