import type { ChildProcess } from "node:child_process";
import { afterAll, expect, test } from "vitest";
import { FLAKY_FAILURES, startChaosBot, type ChaosBot } from "@/lib/chaos/chaos-bot";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { acceptEvents } from "@/lib/delivery/ingest";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { killHard, startWorker } from "../support/processes";
import { accessOf } from "../support/access";
import { waitUntil } from "../support/wait";
import { EventStatus } from "@/lib/delivery/lifecycle";

const EVENTS = 20;
let chaos: ChaosBot | undefined;
const workers: ChildProcess[] = [];
const WORKER_SETTINGS = { WEBHOOK_REDELIVERY_SCHEDULE: "1500ms,1500ms,1500ms", WEBHOOK_LEASE_MS: "2000" };



afterAll(async () => {
  await Promise.all(workers.map(killHard));
  await chaos?.close();
});

test("the chaos bot's flaky bot, killed worker and all: each event N+1 times, then delivered", async () => {
  const admin = (await createUser("flaky@example.com", "pw")).user.id;
  const provider = await createProvider(admin, "Flaky");
  const { id } = await createChannel(admin, provider.id, { name: "Flaky bot", description: "", email: "" });
  const { channelSecret } = await db().channel.findUniqueOrThrow({ where: { id } });
  chaos = await startChaosBot({ secret: channelSecret });
  const flaky = chaos.behaviours.find((b) => b.name === "flaky")!;
  await updateWebhookUrl(await accessOf(admin, id), flaky.url);
  await setWebhookSetting(await accessOf(admin, id), "useWebhook", true);
  await setWebhookSetting(await accessOf(admin, id), "webhookRedelivery", true);
  const accepted = (await acceptEvents(
    { id, useWebhook: true },
    Array.from({ length: EVENTS }, (_, i) => ({ type: "message" as const, userId: `U${"7".repeat(32)}`, text: `flaky ${i}` })),
    "load",
  )).webhookEventIds;

  // The first worker sends each event once; all fail and wait for their first redelivery.
  const first = startWorker(WORKER_SETTINGS, workers);
  const retrying = () => db().webhookEvent.count({ where: { channelId: id, status: EventStatus.retrying } });
  await waitUntil(async () => (await retrying()) === EVENTS);
  await killHard(first);
  const beforeRestart = chaos.deliveries.length;
  expect(beforeRestart).toBe(EVENTS);

  // A new worker finds the schedule in the database and carries it on.
  startWorker(WORKER_SETTINGS, workers);
  await waitUntil(async () => (await db().webhookEvent.count({ where: { channelId: id, status: EventStatus.delivered } })) === EVENTS);

  const byEvent = new Map<string, boolean[]>();
  for (const d of chaos.deliveries) {
    expect(d.isSignatureValid).toBe(true);
    const event = JSON.parse(d.body).events[0];
    byEvent.set(event.webhookEventId, [...(byEvent.get(event.webhookEventId) ?? []), event.deliveryContext.isRedelivery]);
  }
  expect([...byEvent.keys()].sort()).toEqual([...accepted].sort());
  for (const flags of byEvent.values()) {
    expect(flags).toEqual([false, ...Array(FLAKY_FAILURES).fill(true)]);
  }
  const attempts = await db().deliveryAttempt.groupBy({
    by: ["success", "isRedelivery"],
    where: { channelId: id },
    _count: true,
  });
  expect(attempts.map((a) => [a.success, a.isRedelivery, a._count]).sort()).toEqual(
    [
      [false, false, EVENTS],
      [false, true, EVENTS * (FLAKY_FAILURES - 1)],
      [true, true, EVENTS],
    ].sort(),
  );
}, 90_000);
