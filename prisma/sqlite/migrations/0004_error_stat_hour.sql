-- CreateTable
CREATE TABLE "ErrorStatHour" (
    "channelId" TEXT NOT NULL,
    "hourStart" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,

    PRIMARY KEY ("channelId", "hourStart", "reason", "detail")
);


-- Backfill from the 60-second rows recorded so far.
INSERT INTO "ErrorStatHour" ("channelId", "hourStart", "reason", "detail", "count", "rows")
SELECT "channelId", substr("windowStart", 1, 13) || ':00:00.000+00:00', "reason", "detail", sum("count"), count(*)
FROM "ErrorStat"
GROUP BY "channelId", substr("windowStart", 1, 13), "reason", "detail";
