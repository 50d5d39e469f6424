import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/console/channels";
import { db, transaction } from "@/lib/db";
import { env } from "@/lib/env";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { isPostgresRun } from "../support/database";

let admin: string;
let providerId: string;

beforeAll(async () => {
  admin = (await createUser("busy@example.com", "pw")).user.id;
  providerId = (await createProvider(admin, "Busy")).id;
});

describe.skipIf(isPostgresRun())("interactive transactions on SQLite", () => {
  let other: Database.Database;
  beforeAll(() => {
    other = new Database(env().sqlitePath, { timeout: 10_000 });
  });
  afterAll(() => other.close());

  test("one that read before another connection wrote is run again, not refused", async () => {
    const { id } = await createChannel(admin, providerId, { name: "Busy", description: "", email: "" });
    let attempts = 0;
    const name = await transaction(async (tx) => {
      attempts += 1;
      await tx.channel.findUniqueOrThrow({ where: { id } });
      // A dispatcher's heartbeat, say, commits between this transaction's read and its write:
      // SQLite cannot let a deferred transaction write on top of a snapshot that moved.
      if (attempts === 1) other.prepare(`UPDATE "Channel" SET "description" = 'written elsewhere' WHERE "id" = ?`).run(id);
      const updated = await tx.channel.update({ where: { id }, data: { name: `Busy ${attempts}` } });
      return updated.name;
    });
    expect(attempts).toBe(2);
    expect(name).toBe("Busy 2");
    const channel = await db().channel.findUniqueOrThrow({ where: { id } });
    expect(channel).toMatchObject({ name: "Busy 2", description: "written elsewhere" });
  });

  test("one that meets another connection's write in progress is run again once it is over", async () => {
    const { id } = await createChannel(admin, providerId, { name: "Held", description: "", email: "" });
    let attempts = 0;
    const name = await transaction(async (tx) => {
      attempts += 1;
      // The other connection's transaction ends between the two runs.
      if (other.inTransaction) other.exec("ROLLBACK");
      await tx.channel.findUniqueOrThrow({ where: { id } });
      // Another connection holds the write lock when this transaction wants it: SQLite refuses at
      // once rather than wait (waiting could deadlock), and Prisma reports a timeout (P1008).
      if (attempts === 1) other.exec("BEGIN IMMEDIATE");
      const updated = await tx.channel.update({ where: { id }, data: { name: `Held ${attempts}` } });
      return updated.name;
    });
    expect(attempts).toBe(2);
    expect(name).toBe("Held 2");
  });
});
