-- CreateTable
CREATE TABLE "ApiRateWindow" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "windowEnd" BIGINT NOT NULL,
    "count" INTEGER NOT NULL
);

