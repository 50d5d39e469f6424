import pg from "pg";
import { describe, expect, test } from "vitest";
import { migratePostgres } from "@/lib/migrate";
import {
  checkPostgres,
  checkSqlite,
  compareCatalogs,
  createScratchDatabase,
  dropScratchDatabase,
  postgresCatalog,
} from "../../scripts/db-check";
import { isPostgresRun, testPostgresUrl } from "../support/database";

// `npm run db:check` on the database of this run: the committed migrations must make exactly the
// database that the schema file declares.
describe("the committed migrations and the schema", () => {
  test.skipIf(isPostgresRun())("SQLite: the migrations make the database prisma/sqlite/schema.prisma declares", () => {
    expect(checkSqlite()).toEqual([]);
  });

  test.runIf(isPostgresRun())(
    "PostgreSQL: the migrations make the database prisma/postgres/schema.prisma declares",
    async () => {
      expect(await checkPostgres(testPostgresUrl())).toEqual([]);
    },
    60_000,
  );

  test.runIf(isPostgresRun())("PostgreSQL: a column and an index out of step are reported", async () => {
    const migrated = await createScratchDatabase(testPostgresUrl(), "console_drift");
    const drifted = await createScratchDatabase(testPostgresUrl(), "console_drift");
    try {
      await migratePostgres(migrated);
      await migratePostgres(drifted);
      const client = new pg.Client({ connectionString: drifted });
      await client.connect();
      try {
        await client.query(`ALTER TABLE "Channel" ADD COLUMN "extra" TEXT`);
        await client.query(`DROP INDEX "ChannelMember_userId_idx"`);
      } finally {
        await client.end();
      }
      expect(compareCatalogs(await postgresCatalog(migrated), await postgresCatalog(drifted))).toEqual([
        "+ column Channel.extra: text",
        '- index CREATE INDEX "ChannelMember_userId_idx" ON public."ChannelMember" USING btree ("userId")',
      ]);
    } finally {
      await dropScratchDatabase(migrated);
      await dropScratchDatabase(drifted);
    }
  });
});
