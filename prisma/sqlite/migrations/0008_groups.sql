-- CreateTable
CREATE TABLE "SimulatedGroup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channelId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SimulatedGroup_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SimulatedGroupMember" (
    "groupId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("groupId", "userId"),
    CONSTRAINT "SimulatedGroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "SimulatedGroup" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SimulatedGroupMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "SimulatedUser" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SimulatedGroup_channelId_idx" ON "SimulatedGroup"("channelId");

-- CreateIndex
CREATE INDEX "SimulatedGroupMember_userId_idx" ON "SimulatedGroupMember"("userId");
