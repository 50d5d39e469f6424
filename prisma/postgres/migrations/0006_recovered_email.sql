-- An emailed error group is marked once the bot answers again, so its "recovered" email goes once.
ALTER TABLE "NotificationGroup" ADD COLUMN "recoveredAt" TIMESTAMPTZ(3);

-- Groups emailed before this column existed are taken as told: they send no "recovered" email.
UPDATE "NotificationGroup" SET "recoveredAt" = "emailedAt" WHERE "emailedAt" IS NOT NULL;
