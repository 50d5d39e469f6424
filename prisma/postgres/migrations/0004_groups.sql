-- CreateTable
CREATE TABLE "SimulatedGroup" (
    "id" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SimulatedGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SimulatedGroupMember" (
    "groupId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SimulatedGroupMember_pkey" PRIMARY KEY ("groupId","userId")
);

-- CreateIndex
CREATE INDEX "SimulatedGroup_channelId_idx" ON "SimulatedGroup"("channelId");

-- CreateIndex
CREATE INDEX "SimulatedGroupMember_userId_idx" ON "SimulatedGroupMember"("userId");

-- AddForeignKey
ALTER TABLE "SimulatedGroup" ADD CONSTRAINT "SimulatedGroup_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimulatedGroupMember" ADD CONSTRAINT "SimulatedGroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "SimulatedGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimulatedGroupMember" ADD CONSTRAINT "SimulatedGroupMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "SimulatedUser"("id") ON DELETE CASCADE ON UPDATE CASCADE;
