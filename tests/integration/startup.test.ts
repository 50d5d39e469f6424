import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, test } from "vitest";
import { getChannelAccess } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { migrateDatabase, migratePostgres, migrateSqlite } from "@/lib/migrate";
import { listProviders } from "@/lib/console/providers";
import { describeInitialData, prepareDatabase } from "@/lib/startup";
import { authenticate } from "@/lib/auth/users";
import { createScratchDatabase, dropScratchDatabase } from "../../scripts/db-check";
import { isPostgresRun, testPostgresUrl } from "../support/database";

describe("first start", () => {
  test("creates an Admin with a generated password, a provider and Demo bot, once", async () => {
    const created = await prepareDatabase();
    expect(created).not.toBeNull();
    const { adminEmail, generatedPassword, demoChannelId, demoChannelSecret } = created!;
    expect(adminEmail).toBe("admin@example.com");
    expect(generatedPassword).toBeTruthy();

    const printed = describeInitialData(created!);
    expect(printed).toContain(generatedPassword!);
    expect(printed).toContain(demoChannelId);
    expect(printed).toContain(demoChannelSecret);

    const user = await authenticate(adminEmail, generatedPassword!);
    expect(user).not.toBeNull();
    const [provider] = await listProviders(user!.id);
    expect(provider.channels).toEqual([{ id: demoChannelId, name: "Demo bot", role: "ADMIN" }]);
    const { channel } = await getChannelAccess(user!, demoChannelId);
    expect(channel.channelSecret).toBe(demoChannelSecret);

    // A second start finds the data and prints nothing.
    expect(await prepareDatabase()).toBeNull();
    expect(await db().user.count()).toBe(1);
  });
});

/** The committed migration files for the configured database. */
function committedMigrations(): string[] {
  const dir = path.join(process.cwd(), "prisma", env().databaseKind, "migrations");
  return readdirSync(dir).filter((name) => name.endsWith(".sql")).sort();
}

describe("migrations", () => {
  test("every committed migration is applied and recorded once, and a restart applies none", async () => {
    // The test set-up migrated this database as the app's start does.
    expect(await migrateDatabase()).toEqual([]);
    const recorded = await db().$queryRaw<{ name: string }[]>`SELECT "name" FROM "_migrations" ORDER BY "name"`;
    expect(recorded.map((r) => r.name)).toEqual(committedMigrations());
  });

  // The runners themselves, each on a new database of its own.
  test.skipIf(isPostgresRun())("SQLite: a new file gets every migration, and a second run applies none", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "console-migrate-")), "console.db");
    expect(migrateSqlite(file)).toEqual(committedMigrations());
    expect(migrateSqlite(file)).toEqual([]);
  });

  // App and worker processes starting together: the advisory lock lets one of them apply each file.

  test.runIf(isPostgresRun())("PostgreSQL: two runners at once on a new database apply each migration once", async () => {
    const url = await createScratchDatabase(testPostgresUrl(), "console_migrate");
    try {
      const [a, b] = await Promise.all([migratePostgres(url), migratePostgres(url)]);
      expect([...a, ...b].sort()).toEqual(committedMigrations());
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>(`SELECT "name" FROM "_migrations" ORDER BY "name"`);
        expect(rows.map((r) => r.name)).toEqual(committedMigrations());
      } finally {
        await client.end();
      }
    } finally {
      await dropScratchDatabase(url);
    }
  });
});

describe("secrets at rest", () => {
  /** A file's permission bits, as `ls -l` would show them in octal. */
  const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

  test("a new SQLite database gets a folder only its owner may enter, and files only its owner may read", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "console-modes-")), "data");
    const file = path.join(dir, "console.db");
    migrateSqlite(file);
    expect(modeOf(dir)).toBe("700");
    // The -wal and -shm files exist while a connection is open, as they do while the console runs.
    const open = new Database(file);
    try {
      open.exec(`CREATE TABLE "written" ("x" INTEGER)`);
      const files = readdirSync(dir).sort();
      expect(files).toEqual(["console.db", "console.db-shm", "console.db-wal"]);
      for (const name of files) expect({ name, mode: modeOf(path.join(dir, name)) }).toEqual({ name, mode: "600" });
    } finally {
      open.close();
    }
  });

  test("the data folder made for the generated auth secret is private too, whatever the database", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "console-modes-")), "data");
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir };
    delete childEnv.NEXTAUTH_SECRET;
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", 'import("./lib/env.ts").then((m) => m.env())'], {
      cwd: process.cwd(),
      env: childEnv,
      encoding: "utf8",
    });
    expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    expect(modeOf(dir)).toBe("700");
    expect(modeOf(path.join(dir, "auth-secret"))).toBe("600");
  });

  test.skipIf(isPostgresRun())("a first start refuses an ADMIN_PASSWORD that breaks the password rules, and creates nothing", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "console-admin-password-"));
    const file = path.join(dir, "console.db");
    const start = (password: string) =>
      spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "-e", 'import("./lib/startup.ts").then((m) => m.prepareDatabase())'], {
        cwd: process.cwd(),
        env: { ...process.env, DATA_DIR: dir, DATABASE_URL: `file:${file}`, ADMIN_EMAIL: "boss@example.com", ADMIN_PASSWORD: password },
        encoding: "utf8",
      });
    for (const [password, problem] of [
      ["short", "ADMIN_PASSWORD: Choose a password of at least 12 characters."],
      ["boss@example.com", "ADMIN_PASSWORD: Choose a password that is not your email address."],
      ["password1234", "ADMIN_PASSWORD: This password is one of the most common ones. Choose another."],
    ]) {
      const run = start(password);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(problem);
    }
    const users = () => new Database(file, { readonly: true }).prepare(`SELECT COUNT(*) AS n FROM "User"`).get() as { n: number };
    expect(users().n).toBe(0);
    expect(start("a long enough admin passphrase").status).toBe(0);
    expect(users().n).toBe(1);
  });
});
