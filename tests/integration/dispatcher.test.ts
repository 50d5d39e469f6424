import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { listAttempts } from "@/lib/console/attempts";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { Dispatcher } from "@/lib/delivery/dispatcher";
import { acceptEvents, type EventSpec } from "@/lib/delivery/ingest";
import { deliveryStore } from "@/lib/delivery/runtime";
import type { DeliveryStore } from "@/lib/delivery/store";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { signBody } from "@/lib/webhook/signature";
import { closeWebhookConnections } from "@/lib/webhook/sender";
import { startBot, type TestBot } from "../support/bots";
import { accessOf } from "../support/access";
import { waitUntil } from "../support/wait";
import { EventStatus } from "@/lib/delivery/lifecycle";

let admin: string;
let providerId: string;
const bots: TestBot[] = [];
const USER = `U${"a".repeat(32)}`;

async function newChannel(name: string, url: string, settings: { aggregation?: boolean; use?: boolean } = {}) {
  const { id } = await createChannel(admin, providerId, { name, description: "", email: "" });
  await updateWebhookUrl(await accessOf(admin, id), url);
  if (settings.use !== false) await setWebhookSetting(await accessOf(admin, id), "useWebhook", true);
  if (settings.aggregation) await setWebhookSetting(await accessOf(admin, id), "errorStatisticsAggregation", true);
  return db().channel.findUniqueOrThrow({ where: { id } });
}

function dispatcher(concurrency = 4) {
  return new Dispatcher({ store: deliveryStore(), channelConcurrency: concurrency, leaseMs: 30_000, pollMs: 50 });
}

const texts = (n: number, prefix = "m"): EventSpec[] =>
  Array.from({ length: n }, (_, i) => ({ type: "message", userId: USER, text: `${prefix}${i}` }));

beforeAll(async () => {
  admin = (await createUser("dispatch@example.com", "pw")).user.id;
  providerId = (await createProvider(admin, "Dispatch")).id;
});

afterAll(async () => {
  await Promise.all(bots.map((b) => b.close()));
  await closeWebhookConnections();
});

describe("the dispatcher", () => {
  test("sends each event once, signed, in arrival order, and logs every attempt", async () => {
    const bot = await startBot();
    bots.push(bot);
    const channel = await newChannel("Ordered", bot.url);
    const accepted = await acceptEvents(channel, texts(50), "api");
    const d = dispatcher(1);
    d.start();
    await waitUntil(async () => bot.received.length >= 50);
    await d.stop();

    const bodies = bot.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.events[0].message.text)).toEqual(texts(50).map((e) => (e as { text: string }).text));
    expect(bodies.map((b) => b.events[0].webhookEventId)).toEqual(accepted.webhookEventIds);
    for (const r of bot.received) {
      expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(r.headers["user-agent"]).toBe("LineBotWebhook/2.0");
      expect(r.headers["x-line-signature"]).toBe(signBody(channel.channelSecret, r.body));
      expect(JSON.parse(r.body).destination).toBe(channel.botUserId);
    }
    const attempts = await db().deliveryAttempt.findMany({ where: { channelId: channel.id } });
    expect(attempts).toHaveLength(50);
    expect(attempts.every((a) => a.success && a.statusCode === 200 && a.kind === "event")).toBe(true);
    const events = await db().webhookEvent.findMany({ where: { channelId: channel.id } });
    expect(events.every((e) => e.status === EventStatus.delivered && e.attempts === 1)).toBe(true);
    // The log shows each request exactly as the bot got it.
    const logged = await listAttempts(await accessOf(admin, channel.id), { limit: 50 });
    const sentById = new Map(bodies.map((b, i) => [b.events[0].webhookEventId as string, bot.received[i].body]));
    expect(logged).toHaveLength(50);
    for (const a of logged) expect(a.requestExcerpt).toBe(sentById.get(a.webhookEventId!));
  });

  test("never sends the events that came while Use webhook was off, not even once it is on again", async () => {
    const bot = await startBot();
    bots.push(bot);
    const channel = await newChannel("Off", bot.url, { use: false });
    const whileOff = await acceptEvents(channel, texts(5, "off"), "api");
    expect(whileOff.willSend).toBe(false);
    await setWebhookSetting(await accessOf(admin, channel.id), "useWebhook", true);
    const onAgain = await db().channel.findUniqueOrThrow({ where: { id: channel.id } });
    const [turnedOn] = (await acceptEvents(onAgain, texts(1, "on"), "api")).webhookEventIds;
    const d = dispatcher();
    d.start();
    await waitUntil(async () => (await db().webhookEvent.count({ where: { webhookEventId: turnedOn, status: EventStatus.delivered } })) === 1);
    // Stopping waits for every send in flight: the bot has had all the dispatcher sent.
    await d.stop();
    expect(bot.received.map((r) => JSON.parse(r.body).events[0].message.text)).toEqual(["on0"]);
    const events = await db().webhookEvent.findMany({ where: { channelId: channel.id }, orderBy: { seq: "asc" }, select: { status: true } });
    expect(events.map((e) => e.status)).toEqual([...Array(5).fill(EventStatus.skipped), EventStatus.delivered]);
  });

  test("skips the events still waiting, redeliveries included, once Use webhook is turned off", async () => {
    const bot = await startBot();
    bots.push(bot);
    const channel = await newChannel("Turned off", bot.url);
    await acceptEvents(channel, texts(4), "api");
    // One event already failed once and waits for its redelivery; one was delivered before.
    const [retrying, delivered] = await db().webhookEvent.findMany({ where: { channelId: channel.id }, orderBy: { seq: "asc" } });
    await db().webhookEvent.update({ where: { seq: retrying.seq }, data: { status: EventStatus.retrying, attempts: 1, nextAttemptAt: new Date() } });
    await db().webhookEvent.update({ where: { seq: delivered.seq }, data: { status: EventStatus.delivered, attempts: 1 } });
    await setWebhookSetting(await accessOf(admin, channel.id), "useWebhook", false);
    const d = dispatcher();
    d.start();
    await waitUntil(async () => (await db().webhookEvent.count({ where: { channelId: channel.id, status: EventStatus.skipped } })) === 3);
    await d.stop();
    expect(bot.received).toHaveLength(0);
    const events = await db().webhookEvent.findMany({ where: { channelId: channel.id }, orderBy: { seq: "asc" }, select: { status: true } });
    expect(events.map((e) => e.status)).toEqual([EventStatus.skipped, EventStatus.delivered, EventStatus.skipped, EventStatus.skipped]);
  });

  test("counts failures into 60-second rows only while aggregation is on", async () => {
    const failing = await startBot((_req, res) => void res.writeHead(500).end("boom"));
    bots.push(failing);
    const counted = await newChannel("Counted", failing.url, { aggregation: true });
    const uncounted = await newChannel("Uncounted", failing.url);
    await acceptEvents(counted, texts(7), "api");
    await acceptEvents(uncounted, texts(3), "api");
    const d = dispatcher();
    d.start();
    await waitUntil(async () => failing.received.length >= 10);
    await d.stop();

    const rows = await db().errorStat.findMany({ where: { channelId: counted.id } });
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(7);
    expect(rows.every((r) => r.reason === "error_status_code" && r.detail === "500")).toBe(true);
    for (const r of rows) {
      expect(r.lastAt.getTime()).toBeGreaterThanOrEqual(r.firstAt.getTime());
      expect(r.windowStart.getTime() % 60_000).toBe(0);
    }
    expect(await db().errorStat.count({ where: { channelId: uncounted.id } })).toBe(0);
    const attempts = await db().deliveryAttempt.findMany({ where: { channelId: uncounted.id } });
    expect(attempts.map((a) => [a.reason, a.detail, a.statusCode])).toEqual(
      Array(3).fill(["error_status_code", "500", 500]),
    );
  });

  test("a hanging bot holds only its own channel", async () => {
    const hanging = await startBot(() => "hang");
    const healthy = await startBot();
    bots.push(hanging, healthy);
    const stuck = await newChannel("Stuck", hanging.url, { aggregation: true });
    const fine = await newChannel("Fine", healthy.url);
    await acceptEvents(stuck, texts(4), "api");
    await acceptEvents(fine, texts(200), "api");
    const d = dispatcher(2);
    d.start();
    await waitUntil(async () => healthy.received.length >= 200);
    await waitUntil(async () => (await db().webhookEvent.count({ where: { channelId: stuck.id, status: EventStatus.failed } })) === 4);
    await d.stop();
    // The healthy channel did not wait for the hanging one: its bot was getting events while the
    // hanging channel's first sends were still waiting for their 2 s deadline.
    const stuckSends = await db().deliveryAttempt.findMany({ where: { channelId: stuck.id }, select: { startedAt: true, durationMs: true } });
    const firstDeadline = Math.min(...stuckSends.map((a) => a.startedAt.getTime() + a.durationMs));
    expect(healthy.received[0].at).toBeLessThan(firstDeadline);
    const rows = await db().errorStat.findMany({ where: { channelId: stuck.id } });
    expect(rows.map((r) => [r.reason, r.detail])).toEqual(
      expect.arrayContaining([["request_timeout", "Request timeout"]]),
    );
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(4);
  });

  test("a channel's holder reads fresh events past its cursor, and they stay pending until sent", async () => {
    const channel = await newChannel("Cursor", "http://127.0.0.1:9/callback");
    await acceptEvents(channel, texts(10), "api");
    const store = deliveryStore();
    const first = await store.claim(channel.id, "cursor", 4, Date.now(), 30_000, { after: 0 });
    expect(first.map((e) => JSON.parse(e.event).message.text)).toEqual(["m0", "m1", "m2", "m3"]);
    // The next read starts after the last event read, not at the first still pending.
    const next = await store.claim(channel.id, "cursor", 100, Date.now(), 30_000, { after: first.at(-1)!.seq });
    expect(next.map((e) => JSON.parse(e.event).message.text)).toEqual(["m4", "m5", "m6", "m7", "m8", "m9"]);
    const statuses = await db().webhookEvent.groupBy({ by: ["status"], where: { channelId: channel.id }, _count: true });
    expect([...first, ...next].every((e) => e.fresh)).toBe(true);
    expect(statuses).toEqual([{ status: EventStatus.pending, _count: 10 }]);
  });

  test("a dispatcher that gives a channel up and takes it again sends what it had read but not sent", async () => {
    const bot = await startBot((_req, res) => void setTimeout(() => res.writeHead(200).end(), 5));
    bots.push(bot);
    const channel = await newChannel("Retaken", bot.url);
    const accepted = await acceptEvents(channel, texts(300), "api");
    // One send at a time, so that the bot sees the events in arrival order.
    const d = dispatcher(1);
    d.start();
    await waitUntil(async () => bot.received.length >= 20);
    // Stopping gives the channel up with events read and queued but not sent; on taking the
    // channel again the dispatcher must read them again rather than carry on after them.
    await d.stop();
    const sentBefore = bot.received.length;
    expect(sentBefore).toBeLessThan(300);
    d.start();
    await waitUntil(async () => bot.received.length >= 300);
    await d.stop();
    const ids = bot.received.map((r) => JSON.parse(r.body).events[0].webhookEventId as string);
    expect(ids).toEqual(accepted.webhookEventIds);
    expect(await db().webhookEvent.count({ where: { channelId: channel.id, status: EventStatus.delivered } })).toBe(300);
  });

  test("a dispatcher that cannot renew its channel's lease stops starting sends in time: the one taking over sends none twice", async () => {
    const bot = await startBot((_req, res) => void setTimeout(() => res.writeHead(200).end(), 10));
    bots.push(bot);
    const channel = await newChannel("Stalled lease", bot.url);
    const accepted = await acceptEvents(channel, texts(400), "api");
    // The first dispatcher's database takes its channel once, then stalls on every renewal (a
    // busy server), while its sends and their outcomes still go through.
    const store = deliveryStore();
    let unstall = () => {};
    const stalled = new Promise<void>((resolve) => (unstall = resolve));
    let acquisitions = 0;
    const slowStore = new Proxy(store, {
      get(target, name) {
        if (name === "acquireChannels") {
          return async (...args: Parameters<DeliveryStore["acquireChannels"]>) => {
            if (acquisitions++ > 0) await stalled;
            return target.acquireChannels(...args);
          };
        }
        const value = Reflect.get(target, name) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const CHANNEL_LEASE_MS = 1500;
    const warnings: string[] = [];
    const options = { channelConcurrency: 2, leaseMs: 30_000, pollMs: 50, channelLeaseMs: CHANNEL_LEASE_MS };
    const first = new Dispatcher({ ...options, store: slowStore, log: (message) => warnings.push(message) });
    first.start();
    await waitUntil(() => bot.received.length > 0);
    await new Promise((resolve) => setTimeout(resolve, CHANNEL_LEASE_MS));
    const sentByFirst = bot.received.length;
    // The other dispatcher takes the channel once the lease has run out, and reads its pending events.
    const second = new Dispatcher({ ...options, store });
    second.start();
    // Once the other dispatcher is sending, the first one's renewal gets its answer: the channel is gone.
    await waitUntil(() => bot.received.length > sentByFirst);
    unstall();
    await waitUntil(() => warnings.some((w) => w.includes("lost channel")), 10_000);
    await waitUntil(async () => (await db().webhookEvent.count({ where: { channelId: channel.id, status: EventStatus.delivered } })) === 400);
    await Promise.all([first.stop(), second.stop()]);

    expect(sentByFirst).toBeGreaterThan(0);
    expect(sentByFirst).toBeLessThan(400);
    const ids = bot.received.map((r) => JSON.parse(r.body).events[0].webhookEventId as string);
    expect(ids).toHaveLength(400);
    expect(new Set(ids)).toEqual(new Set(accepted.webhookEventIds));
    expect(await db().deliveryAttempt.count({ where: { channelId: channel.id } })).toBe(400);
    // Said once, when the sends began to wait, and again when the channel went.
    expect(warnings.filter((w) => w.includes("has not been renewed"))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes("lost channel"))).toHaveLength(1);
  });

  test("a dispatcher gives an idle channel up only once its last outcomes are written: the next holder sends none again", async () => {
    const bot = await startBot();
    bots.push(bot);
    const channel = await newChannel("Slow outcomes", bot.url);
    const accepted = await acceptEvents(channel, texts(20), "api");
    const store = deliveryStore();
    // The first dispatcher's outcomes take a second and a half to be written.
    const slowOutcomes = {
      recordOutcomes: async (...args: Parameters<DeliveryStore["recordOutcomes"]>) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await store.recordOutcomes(...args);
      },
    };
    const options = { channelConcurrency: 4, leaseMs: 30_000, pollMs: 50 };
    const first = new Dispatcher({ ...options, store, outcomes: slowOutcomes });
    first.start();
    await waitUntil(() => bot.received.length >= 20);
    // Another dispatcher looks for work while the first one's outcomes are still being written.
    const second = new Dispatcher({ ...options, store });
    second.start();
    await waitUntil(async () => (await db().webhookEvent.count({ where: { channelId: channel.id, status: EventStatus.delivered } })) === 20);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all([first.stop(), second.stop()]);

    const ids = bot.received.map((r) => JSON.parse(r.body).events[0].webhookEventId as string);
    expect(ids).toHaveLength(20);
    expect(new Set(ids)).toEqual(new Set(accepted.webhookEventIds));
    expect(await db().deliveryAttempt.count({ where: { channelId: channel.id } })).toBe(20);
  });
});
