import type { ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { startConsoleApp, type ConsoleApp } from "../support/app-server";
import { startBot, type TestBot } from "../support/bots";
import { isPostgresRun } from "../support/database";
import { canMakeCluster, makeCluster, type PostgresCluster } from "../support/postgres-cluster";
import { killHard, startWorker } from "../support/processes";
import { waitUntil } from "../support/wait";

// PostgreSQL restarted while scripts post events and a worker delivers them: the app and the
// worker reconnect by themselves, and every event that got a 202 is delivered. The server is a
// cluster of the test's own, so the restart cuts no other test's connections.

const CHANNEL = { id: "1656000002", secret: "fedcba9876543210fedcba9876543210" };

let cluster: PostgresCluster | undefined;
let app: ConsoleApp | undefined;
let bot: TestBot;
const workers: ChildProcess[] = [];

afterAll(async () => {
  for (const worker of workers) await killHard(worker);
  await app?.stop();
  await bot?.close();
  cluster?.drop();
});

describe.skipIf(!isPostgresRun() || !canMakeCluster())("PostgreSQL restarted under load", () => {
  test("the app and a worker reconnect by themselves, and nothing accepted is lost", async () => {
    cluster = await makeCluster(`restart${process.pid}`);
    bot = await startBot();
    const env = { DATABASE_URL: cluster.url, DEMO_CHANNEL_ID: CHANNEL.id, DEMO_CHANNEL_SECRET: CHANNEL.secret, ADMIN_PASSWORD: "restart admin passphrase" };
    app = await startConsoleApp({ ...env, DISPATCHER: "off" }, { dataDir: mkdtempSync(path.join(tmpdir(), "console-restart-")), databaseUrl: cluster.url });
    process.env.DATABASE_URL = cluster.url;
    const { db } = await import("@/lib/db");
    await db().channel.update({ where: { id: CHANNEL.id }, data: { webhookUrl: bot.url, useWebhook: true } });
    await db().$disconnect();
    // The worker's log, for when it is the worker that failed.
    const workerLog = path.join(app.dataDir, "worker.log");
    startWorker({ DATABASE_URL: cluster.url, DATA_DIR: app.dataDir }, workers, openSync(workerLog, "w"));

    const tokenRes = await fetch(`${app.baseUrl}/v2/oauth/accessToken`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: CHANNEL.id, client_secret: CHANNEL.secret }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    const refusals = new Set<string>();
    let stop = false;
    const client = async (n: number) => {
      for (let batch = 0; !stop; batch++) {
        const events = Array.from({ length: 10 }, (_, i) => ({ type: "message", userId: `U${"b".repeat(32)}`, text: `${n}-${batch}-${i}` }));
        const res = await fetch(`${app!.baseUrl}/api/channels/${CHANNEL.id}/events`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ events }),
        }).catch(() => null);
        if (!res) continue;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 202) accepted.push(...((await res.json()) as { webhookEventIds: string[] }).webhookEventIds);
        else refusals.add(((await res.json()) as { message: string }).message);
        if (res.status !== 202) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const clients = Array.from({ length: 4 }, (_, n) => client(n));
    await waitUntil(async () => accepted.length >= 300, 30_000);
    await cluster.restart();
    const afterRestart = accepted.length;
    // Accepting goes on once the server is back, without restarting the app.
    await waitUntil(async () => accepted.length >= afterRestart + 300, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}; answers ${JSON.stringify(Object.fromEntries(statuses))}\n${app!.output().slice(-3000)}`);
    });
    stop = true;
    await Promise.all(clients);

    const delivered = () => new Set(bot.received.flatMap((r) => (JSON.parse(r.body) as { events: { webhookEventId: string }[] }).events.map((e) => e.webhookEventId)));
    await waitUntil(async () => {
      const got = delivered();
      return accepted.every((id) => got.has(id));
    }, 60_000).catch(async (error: unknown) => {
      const got = delivered();
      const { db: check } = await import("@/lib/db");
      const missing = accepted.filter((id) => !got.has(id));
      const rows = await check().webhookEvent.groupBy({ by: ["status"], _count: true, where: { webhookEventId: { in: missing } } });
      throw new Error(
        `${String(error)}: ${missing.length} of ${accepted.length} not delivered, worker exit ${workers[0].exitCode}, ${JSON.stringify(rows)}\n${readFileSync(workerLog, "utf8").slice(-3000)}`,
      );
    });
    // What was refused during the restart was a 503 saying so, never a 500 or the client's fault.
    const errors = app.output().split("\n").filter((line) => line.includes('"level":50')).slice(0, 3).join("\n");
    expect([...statuses.keys()].filter((status) => status !== 202 && status !== 503), errors).toEqual([]);
    expect(refusals.size).toBeLessThanOrEqual(1);
    for (const message of refusals) expect(message).toBe("The database cannot be reached right now. Nothing was stored; try again in a moment.");
    console.log(`accepted ${accepted.length}; answers ${JSON.stringify(Object.fromEntries(statuses))}`);
  }, 180_000);
});
