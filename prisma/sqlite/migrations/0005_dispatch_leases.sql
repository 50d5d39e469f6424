-- CreateTable
CREATE TABLE "ChannelLease" (
    "channelId" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "until" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Dispatcher" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "seenAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "ChannelLease_holder_idx" ON "ChannelLease"("holder");

-- CreateIndex
CREATE INDEX "Dispatcher_seenAt_idx" ON "Dispatcher"("seenAt");

