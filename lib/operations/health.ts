import "server-only";
import { db } from "../db";
import { env } from "../env";
import { committedMigrations } from "../migrate";
import { HEARTBEAT_FRESH_MS } from "./delivery-state";

/** How long a readiness check waits for the database before it counts as unreachable. */
const CHECK_TIMEOUT_MS = 2000;

/** What /readyz found: "ok", or a sentence saying what is wrong, for each check. */
export type Readiness = {
  ready: boolean;
  checks: { database: string; migrations: string; dispatcher: string };
};

function withinTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);
}

const OK = "ok";

/**
 * Whether the console can do its work: the database answers, every committed migration is
 * applied, and a dispatcher (a thread of an app or a worker process) beat its heart lately.
 */
export async function checkReadiness(now: number = Date.now()): Promise<Readiness> {
  const checks = { database: OK, migrations: OK, dispatcher: OK };
  try {
    await withinTimeout(db().$queryRaw`SELECT 1`);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    checks.database = `unreachable: ${reason}`;
    checks.migrations = checks.dispatcher = "not checked: the database is unreachable";
    return { ready: false, checks };
  }
  const [applied, alive] = await withinTimeout(
    Promise.all([
      db().$queryRaw<{ name: string }[]>`SELECT "name" FROM "_migrations"`,
      db().dispatcher.count({ where: { seenAt: { gte: new Date(now - HEARTBEAT_FRESH_MS) } } }),
    ]),
  );
  const done = new Set(applied.map((row) => row.name));
  const missing = committedMigrations(env().databaseKind).filter((name) => !done.has(name));
  if (missing.length > 0) checks.migrations = `not applied: ${missing.join(", ")}`;
  if (alive === 0) checks.dispatcher = `no dispatcher heartbeat within ${HEARTBEAT_FRESH_MS / 1000} s`;
  return { ready: missing.length === 0 && alive > 0, checks };
}
