import type { ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, test } from "vitest";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { acceptEvents, type EventSpec } from "@/lib/delivery/ingest";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { isPostgresRun } from "../support/database";
import { killHard, startWorker } from "../support/processes";
import { accessOf } from "../support/access";
import { waitUntil } from "../support/wait";
import { EventStatus } from "@/lib/delivery/lifecycle";

const EVENTS = 100_000;
const CHANNELS = 8;
const WORKERS = 4;
const CONCURRENCY = 8;
const WORKER_SETTINGS = { WEBHOOK_LEASE_MS: "3000", WEBHOOK_CHANNEL_CONCURRENCY: String(CONCURRENCY) };

/**
 * A bot that notes when each webhookEventId arrives and how many requests each channel (the body's
 * destination) has open at once, answering after a short pause so that sends overlap.
 */
async function startCountingBot() {
  const sends = new Map<string, number[]>();
  const open = new Map<string, number>();
  const mostOpen = new Map<string, number>();
  let received = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        destination: string;
        events: { webhookEventId: string }[];
      };
      const at = Date.now();
      received += 1;
      for (const e of body.events) {
        const times = sends.get(e.webhookEventId);
        if (times) times.push(at);
        else sends.set(e.webhookEventId, [at]);
      }
      const now = (open.get(body.destination) ?? 0) + 1;
      open.set(body.destination, now);
      mostOpen.set(body.destination, Math.max(mostOpen.get(body.destination) ?? 0, now));
      let closed = false;
      const done = () => {
        if (closed) return;
        closed = true;
        open.set(body.destination, open.get(body.destination)! - 1);
      };
      res.once("close", done);
      setTimeout(() => {
        res.writeHead(200).end("OK");
        done();
      }, 1);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    sends,
    mostOpen,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const workers: ChildProcess[] = [];
let bot: Awaited<ReturnType<typeof startCountingBot>> | undefined;

afterAll(async () => {
  await Promise.all(workers.map(killHard));
  await bot?.close();
});

// Several dispatchers on one database is the PostgreSQL deployment; the SQLite pass runs the
// single-worker crash test (worker-crash.test.ts) instead.
describe.skipIf(!isPostgresRun())("four workers sharing one PostgreSQL database", () => {
  test("one killed mid-run: every event delivered, sent twice only if in flight at the kill, channel limits kept", async () => {
    bot = await startCountingBot();
    const admin = (await createUser("scale@example.com", "pw")).user.id;
    const provider = await createProvider(admin, "Scale");
    const channels: { id: string; useWebhook: boolean }[] = [];
    for (let i = 0; i < CHANNELS; i++) {
      const { id } = await createChannel(admin, provider.id, { name: `Scale ${i}`, description: "", email: "" });
      await updateWebhookUrl(await accessOf(admin, id), bot.url);
      await setWebhookSetting(await accessOf(admin, id), "useWebhook", true);
      channels.push({ id, useWebhook: true });
    }
    const accepted = new Set<string>();
    const perBatch = 2_500;
    for (let n = 0; n < EVENTS; n += perBatch) {
      const channel = channels[(n / perBatch) % CHANNELS]!;
      const specs: EventSpec[] = Array.from({ length: perBatch }, (_, i) => ({
        type: "message",
        userId: `U${"c".repeat(32)}`,
        text: `event ${n + i}`,
      }));
      for (const id of (await acceptEvents(channel, specs, "load")).webhookEventIds) accepted.add(id);
    }
    expect(accepted.size).toBe(EVENTS);

    for (let i = 0; i < WORKERS; i++) startWorker(WORKER_SETTINGS, workers);
    await waitUntil(() => bot!.received() >= EVENTS * 0.3, 120_000);
    const killedAt = Date.now();
    await killHard(workers[0]!);
    // The killed worker's last requests have reached the bot (or been cut) by now.
    await new Promise((r) => setTimeout(r, 300));
    const drainedAt = Date.now();
    expect(bot.received()).toBeLessThan(EVENTS);

    // The bot's own count first: counting 100k rows in the database every few milliseconds would
    // take a share of the two cores from the workers.
    await waitUntil(() => bot!.sends.size === EVENTS, 240_000);
    await waitUntil(async () => (await db().webhookEvent.count({ where: { status: EventStatus.delivered } })) === EVENTS, 60_000);

    // Every accepted event reached the bot.
    expect(bot.sends.size).toBe(EVENTS);
    for (const id of accepted) expect(bot.sends.has(id)).toBe(true);
    // Sent twice only when the first send was made before the kill by the killed worker and its
    // outcome was never written: the second send comes from a survivor after the kill.
    const duplicates = [...bot.sends.entries()].filter(([, times]) => times.length > 1);
    for (const [, times] of duplicates) {
      expect(times.length).toBe(2);
      expect(times[0]!).toBeLessThanOrEqual(drainedAt);
      expect(times[1]!).toBeGreaterThanOrEqual(killedAt);
    }
    // What one worker can have in flight or unwritten is bounded by its channels' lanes and one
    // outcome batch; anything near the total would mean workers sent each other's events.
    expect(duplicates.length).toBeLessThan(2_000);
    // Each channel's concurrency limit held across the four workers.
    expect(bot.mostOpen.size).toBe(CHANNELS);
    for (const [, most] of bot.mostOpen) expect(most).toBeLessThanOrEqual(CONCURRENCY);
    // Every event's delivery is in the attempt log.
    const attempts = await db().deliveryAttempt.count({ where: { kind: "event", success: true } });
    expect(attempts).toBeGreaterThanOrEqual(EVENTS);
  }, 420_000);
});
