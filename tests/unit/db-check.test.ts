import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { compareCatalogs, sqliteCatalog } from "../../scripts/db-check";

// Two tables in the shapes Prisma writes: defaults, a composite primary key, a foreign key with
// its actions, an index, and the migrations' bookkeeping table, which is not part of the schema.
const MIGRATED = `
  CREATE TABLE "Channel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "useWebhook" BOOLEAN NOT NULL DEFAULT false
  );
  CREATE TABLE "ChannelMember" (
    "channelId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    PRIMARY KEY ("channelId", "userId"),
    CONSTRAINT "ChannelMember_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
  );
  CREATE INDEX "ChannelMember_userId_idx" ON "ChannelMember"("userId");
  CREATE TABLE "_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL);
`;

function catalogOf(sql: string) {
  const sqlite = new Database(":memory:");
  try {
    sqlite.exec(sql);
    return sqliteCatalog(sqlite);
  } finally {
    sqlite.close();
  }
}

describe("the drift check's catalog comparison", () => {
  test.each([
    { drift: "none", declared: MIGRATED, expected: [] },
    {
      drift: "the bookkeeping table only",
      declared: MIGRATED.replace(/CREATE TABLE "_migrations".*\n/, ""),
      expected: [],
    },
    {
      drift: "a column the migrations never added",
      declared: MIGRATED.replace(`"name" TEXT NOT NULL,`, `"name" TEXT NOT NULL, "email" TEXT NOT NULL DEFAULT '',`),
      expected: ["+ column Channel.email: TEXT NOT NULL DEFAULT ''"],
    },
    {
      drift: "a changed default",
      declared: MIGRATED.replace("DEFAULT false", "DEFAULT true"),
      expected: [
        "- column Channel.useWebhook: BOOLEAN NOT NULL DEFAULT false",
        "+ column Channel.useWebhook: BOOLEAN NOT NULL DEFAULT true",
      ],
    },
    {
      drift: "a column that became optional",
      declared: MIGRATED.replace(`"name" TEXT NOT NULL`, `"name" TEXT`),
      expected: ["- column Channel.name: TEXT NOT NULL", "+ column Channel.name: TEXT"],
    },
    {
      drift: "an index that became unique",
      declared: MIGRATED.replace("CREATE INDEX", "CREATE UNIQUE INDEX"),
      expected: [
        "- index ChannelMember_userId_idx ON ChannelMember (userId)",
        "+ index ChannelMember_userId_idx ON ChannelMember (userId) UNIQUE",
      ],
    },
    {
      drift: "an index the migrations never made",
      declared: `${MIGRATED}\nCREATE INDEX "Channel_name_idx" ON "Channel"("name");`,
      expected: ["+ index Channel_name_idx ON Channel (name)"],
    },
    {
      drift: "an index that became partial",
      declared: MIGRATED.replace(`("userId");`, `("userId") WHERE "userId" <> '';`),
      expected: [
        "- index ChannelMember_userId_idx ON ChannelMember (userId)",
        `+ index ChannelMember_userId_idx ON ChannelMember (userId) WHERE "userId" <> ''`,
      ],
    },
    {
      drift: "a foreign key's delete action",
      declared: MIGRATED.replace("ON DELETE CASCADE", "ON DELETE RESTRICT"),
      expected: [
        "- foreign key ChannelMember (channelId) REFERENCES Channel (id) ON DELETE CASCADE ON UPDATE CASCADE",
        "+ foreign key ChannelMember (channelId) REFERENCES Channel (id) ON DELETE RESTRICT ON UPDATE CASCADE",
      ],
    },
  ])("reports $drift", ({ declared, expected }) => {
    expect(compareCatalogs(catalogOf(MIGRATED), catalogOf(declared))).toEqual(expected);
  });
});

test("prisma/postgres/schema.prisma is the one derived from prisma/sqlite/schema.prisma", () => {
  const check = spawnSync(process.execPath, ["scripts/db-schemas.mjs", "--check"], { encoding: "utf8" });
  expect(check.stderr).toBe("");
  expect(check.status).toBe(0);
});
