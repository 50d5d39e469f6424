import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, test } from "vitest";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { acceptEvents, type EventSpec } from "@/lib/delivery/ingest";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { startBot, type TestBot } from "../support/bots";
import { killHard, startWorker } from "../support/processes";
import { accessOf } from "../support/access";
import { waitUntil } from "../support/wait";
import { EventStatus } from "@/lib/delivery/lifecycle";

const EVENTS = 3000;
let bot: TestBot | undefined;
const workers: ChildProcess[] = [];
const WORKER_SETTINGS = { WEBHOOK_LEASE_MS: "2000", WEBHOOK_CHANNEL_CONCURRENCY: "8" };



afterAll(async () => {
  await Promise.all(workers.map(killHard));
  await bot?.close();
});

describe("a worker killed mid-run", () => {
  test("loses nothing: a new worker delivers every accepted event", async () => {
    // A bot that takes a moment per request, so the kill lands mid-run.
    bot = await startBot((_req, res) => {
      setTimeout(() => res.writeHead(200).end("OK"), 2);
    });
    const admin = (await createUser("crash@example.com", "pw")).user.id;
    const provider = await createProvider(admin, "Crash");
    const { id } = await createChannel(admin, provider.id, { name: "Crash bot", description: "", email: "" });
    await updateWebhookUrl(await accessOf(admin, id), bot.url);
    await setWebhookSetting(await accessOf(admin, id), "useWebhook", true);
    const channel = { id, useWebhook: true };
    const specs: EventSpec[] = Array.from({ length: EVENTS }, (_, i) => ({
      type: "message",
      userId: `U${"b".repeat(32)}`,
      text: `event ${i}`,
    }));
    const accepted = new Set((await acceptEvents(channel, specs, "load")).webhookEventIds);

    const first = startWorker(WORKER_SETTINGS, workers);
    await waitUntil(() => bot!.received.length >= EVENTS / 3, 30_000);
    await killHard(first);
    // Anything still on the wire reaches the bot now; then nothing more may arrive while no
    // worker runs, which shows the kill really stopped the sending.
    await new Promise((r) => setTimeout(r, 300));
    // Everything the killed worker sent has arrived by now.
    const drainedAt = Date.now();
    const seenBeforeKill = bot.received.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(bot.received.length).toBe(seenBeforeKill);
    expect(seenBeforeKill).toBeLessThan(EVENTS);

    startWorker(WORKER_SETTINGS, workers);
    await waitUntil(
      async () => (await db().webhookEvent.count({ where: { channelId: id, status: EventStatus.delivered } })) === EVENTS,
      60_000,
    );

    const firstSeen = new Map<string, number>();
    const duplicates: string[] = [];
    for (const r of bot.received) {
      const eventId = JSON.parse(r.body).events[0].webhookEventId as string;
      if (firstSeen.has(eventId)) duplicates.push(eventId);
      else firstSeen.set(eventId, r.at);
    }
    expect(new Set(firstSeen.keys())).toEqual(accepted);
    // At least once: an event is sent twice only if its first send happened before the kill and
    // its outcome had not been written yet.
    for (const eventId of duplicates) expect(firstSeen.get(eventId)!).toBeLessThanOrEqual(drainedAt);
    expect(duplicates.length).toBeLessThan(seenBeforeKill);
  }, 120_000);
});
