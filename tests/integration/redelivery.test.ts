import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { listAttempts } from "@/lib/console/attempts";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { Dispatcher } from "@/lib/delivery/dispatcher";
import { acceptEvents, type EventSpec } from "@/lib/delivery/ingest";
import { openDeliveryStore } from "@/lib/delivery/runtime";
import type { DeliveryStore } from "@/lib/delivery/store";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { closeWebhookConnections } from "@/lib/webhook/sender";
import { startBot, type TestBot } from "../support/bots";
import { accessOf } from "../support/access";
import { waitUntil } from "../support/wait";
import { EventStatus } from "@/lib/delivery/lifecycle";

const USER = `U${"9".repeat(32)}`;
const SCHEDULE = [150, 300, 450];
let admin: string;
let providerId: string;
let store: DeliveryStore;
const bots: TestBot[] = [];

async function channelFor(url: string, redelivery = true) {
  const { id } = await createChannel(admin, providerId, { name: "Redelivery", description: "", email: "" });
  await updateWebhookUrl(await accessOf(admin, id), url);
  await setWebhookSetting(await accessOf(admin, id), "useWebhook", true);
  if (redelivery) await setWebhookSetting(await accessOf(admin, id), "webhookRedelivery", true);
  return { id, useWebhook: true };
}

function dispatcher() {
  return new Dispatcher({ store, channelConcurrency: 4, leaseMs: 30_000, pollMs: 25 });
}

const message = (text: string): EventSpec => ({ type: "message", userId: USER, text });

beforeAll(async () => {
  admin = (await createUser("redelivery@example.com", "pw")).user.id;
  providerId = (await createProvider(admin, "Redelivery")).id;
  store = openDeliveryStore(SCHEDULE);
});

afterAll(async () => {
  await Promise.all(bots.map((b) => b.close()));
  await closeWebhookConnections();
  await store?.close();
});

describe("webhook redelivery", () => {
  test("a bot failing twice sees the same event three times, then it is delivered", async () => {
    let calls = 0;
    const bot = await startBot((_req, res) => void res.writeHead(++calls <= 2 ? 503 : 200).end());
    bots.push(bot);
    const channel = await channelFor(bot.url);
    const [id] = (await acceptEvents(channel, [message("again")], "api")).webhookEventIds;
    const d = dispatcher();
    d.start();
    await waitUntil(async () => (await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: id } })).status === EventStatus.delivered);
    await d.stop();

    const events = bot.received.map((r) => JSON.parse(r.body).events[0]);
    expect(events.map((e) => e.webhookEventId)).toEqual([id, id, id]);
    expect(events.map((e) => e.deliveryContext.isRedelivery)).toEqual([false, true, true]);
    expect(new Set(events.map((e) => e.replyToken)).size).toBe(1);
    expect(new Set(events.map((e) => e.timestamp)).size).toBe(1);
    // The tries follow the schedule: at least 150 ms, then 300 ms, between sends.
    expect(bot.received[1].at - bot.received[0].at).toBeGreaterThanOrEqual(140);
    expect(bot.received[2].at - bot.received[1].at).toBeGreaterThanOrEqual(290);
    const attempts = await db().deliveryAttempt.findMany({ where: { webhookEventId: id }, orderBy: { id: "asc" } });
    expect(attempts.map((a) => [a.isRedelivery, a.success, a.statusCode])).toEqual([
      [false, false, 503],
      [true, false, 503],
      [true, true, 200],
    ]);
    // The log rebuilds each request, redelivery mark included, exactly as sent.
    const logged = await listAttempts(await accessOf(admin, channel.id), { webhookEventId: id });
    expect(logged.map((a) => a.requestExcerpt).reverse()).toEqual(bot.received.map((r) => r.body));
  });

  test("the schedule ends: an always-failing bot gets the first send and one try per step", async () => {
    const bot = await startBot((_req, res) => void res.writeHead(500).end());
    bots.push(bot);
    const channel = await channelFor(bot.url);
    const [id] = (await acceptEvents(channel, [message("never")], "api")).webhookEventIds;
    const d = dispatcher();
    d.start();
    await waitUntil(async () => (await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: id } })).status === EventStatus.failed);
    await new Promise((r) => setTimeout(r, 600));
    await d.stop();
    expect(bot.received).toHaveLength(1 + SCHEDULE.length);
    const event = await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: id } });
    expect(event).toMatchObject({ status: EventStatus.failed, attempts: 4, nextAttemptAt: null });
  });

  test("without redelivery a failed event is sent once", async () => {
    const bot = await startBot((_req, res) => void res.writeHead(500).end());
    bots.push(bot);
    const channel = await channelFor(bot.url, false);
    await acceptEvents(channel, [message("once")], "api");
    const d = dispatcher();
    d.start();
    await waitUntil(() => bot.received.length === 1);
    await new Promise((r) => setTimeout(r, 500));
    await d.stop();
    expect(bot.received).toHaveLength(1);
  });

  test("turning redelivery off cancels the tries still scheduled", async () => {
    const bot = await startBot((_req, res) => void res.writeHead(500).end());
    bots.push(bot);
    const channel = await channelFor(bot.url);
    const [id] = (await acceptEvents(channel, [message("cancel")], "api")).webhookEventIds;
    // A schedule whose first try is a minute away: the event stays scheduled meanwhile.
    const slow = openDeliveryStore([60_000]);
    const d = new Dispatcher({ store: slow, channelConcurrency: 4, leaseMs: 30_000, pollMs: 25 });
    d.start();
    await waitUntil(async () => (await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: id } })).status === EventStatus.retrying);
    await setWebhookSetting(await accessOf(admin, channel.id), "webhookRedelivery", false);
    await new Promise((r) => setTimeout(r, 800));
    await d.stop();
    await slow.close();
    expect(bot.received).toHaveLength(1);
    expect(await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: id } })).toMatchObject({
      status: EventStatus.failed,
      nextAttemptAt: null,
    });
    // Nothing is left for a dispatcher to find later.
    expect(await store.claim(channel.id, "test", 10, Date.now() + 3_600_000, 30_000)).toEqual([]);
  });

  test("a schedule survives a restart: a new dispatcher sends the tries the old one scheduled", async () => {
    let calls = 0;
    const bot = await startBot((_req, res) => void res.writeHead(++calls === 1 ? 500 : 200).end());
    bots.push(bot);
    const channel = await channelFor(bot.url);
    const [id] = (await acceptEvents(channel, [message("restart")], "api")).webhookEventIds;
    const first = dispatcher();
    first.start();
    await waitUntil(async () => (await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: id } })).status === EventStatus.retrying);
    await first.stop();
    expect(bot.received).toHaveLength(1);

    const second = dispatcher();
    second.start();
    await waitUntil(async () => (await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: id } })).status === EventStatus.delivered);
    await second.stop();
    expect(bot.received.map((r) => JSON.parse(r.body).events[0].deliveryContext.isRedelivery)).toEqual([false, true]);
  });

  test("fresh events go before a backlog of due redeliveries", async () => {
    const bot = await startBot();
    bots.push(bot);
    const channel = await channelFor(bot.url);
    const old = (await acceptEvents(channel, Array.from({ length: 20 }, (_, i) => message(`old ${i}`)), "api")).webhookEventIds;
    // Make the old events due redeliveries, as a failed first send would have.
    await db().webhookEvent.updateMany({
      where: { webhookEventId: { in: old } },
      data: { status: EventStatus.retrying, attempts: 1, nextAttemptAt: new Date(Date.now() - 1000) },
    });
    const fresh = (await acceptEvents(channel, Array.from({ length: 5 }, (_, i) => message(`fresh ${i}`)), "api")).webhookEventIds;
    const claimed = await store.claim(channel.id, "test", 5, Date.now(), 30_000);
    expect(claimed.map((c) => c.webhookEventId)).toEqual(fresh);
    const next = await store.claim(channel.id, "test", 30, Date.now(), 30_000);
    expect(next.map((c) => c.webhookEventId).sort()).toEqual([...old].sort());
  });
});

describe("the redelivery schedule, on an injected clock", () => {
  test("each failure waits its step of the schedule, and the last one ends it", async () => {
    const bot = await startBot();
    bots.push(bot);
    const channel = await channelFor(bot.url);
    const [id] = (await acceptEvents(channel, [message("clock")], "api")).webhookEventIds;
    const T = Date.parse("2026-11-23T00:00:00Z");
    const fail = (seq: number, attemptsBefore: number, at: number) =>
      store.recordOutcomes(
        [
          {
            seq,
            attemptsBefore,
            attempt: {
              channelId: channel.id,
              webhookEventId: id,
              kind: "event",
              isRedelivery: attemptsBefore > 0,
              url: bot.url,
              startedAt: at,
              durationMs: 5,
              statusCode: 500,
              failure: { reason: "error_status_code", detail: "500" },
              requestExcerpt: "{}",
            },
          },
        ],
        at,
      );

    let now = T;
    for (let step = 0; step <= SCHEDULE.length; step++) {
      const [claimed] = await store.claim(channel.id, "clock", 10, now, 30_000);
      expect(claimed).toMatchObject({ webhookEventId: id, attempts: step });
      await fail(claimed.seq, claimed.attempts, now);
      const event = await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: id } });
      if (step === SCHEDULE.length) {
        expect(event).toMatchObject({ status: EventStatus.failed, nextAttemptAt: null, attempts: SCHEDULE.length + 1 });
        expect(await store.claim(channel.id, "clock", 10, now + 86_400_000, 30_000)).toEqual([]);
        break;
      }
      expect(event.status).toBe(EventStatus.retrying);
      expect(event.nextAttemptAt!.getTime()).toBe(now + SCHEDULE[step]);
      // Not a millisecond early.
      expect(await store.claim(channel.id, "clock", 10, now + SCHEDULE[step] - 1, 30_000)).toEqual([]);
      now += SCHEDULE[step];
    }
  });
});
