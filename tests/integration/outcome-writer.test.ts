import { MessageChannel } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { acceptEvents } from "@/lib/delivery/ingest";
import { OutcomeWriterClient, serveOutcomeWrites } from "@/lib/delivery/outcome-writer";
import { openDeliveryStore } from "@/lib/delivery/runtime";
import type { DeliveryStore, EventOutcome } from "@/lib/delivery/store";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { EventStatus } from "@/lib/delivery/lifecycle";
import { isPostgresRun } from "../support/database";

const USER = `U${"c".repeat(32)}`;
let admin: string;
let providerId: string;
const stores: DeliveryStore[] = [];
const channels: MessageChannel[] = [];

beforeAll(async () => {
  admin = (await createUser("writer@example.com", "pw")).user.id;
  providerId = (await createProvider(admin, "Writer")).id;
});

afterAll(async () => {
  for (const { port1, port2 } of channels) {
    port1.close();
    port2.close();
  }
  await Promise.all(stores.map((s) => s.close().catch(() => {})));
});

/**
 * A client and the writer it talks to, over a real message channel, and a store of the client's
 * own for claiming, as the dispatcher thread has.
 */
function writerPair(writerStore: DeliveryStore) {
  const channel = new MessageChannel();
  channels.push(channel);
  serveOutcomeWrites(channel.port2, writerStore);
  const own = openDeliveryStore();
  stores.push(own);
  return { client: new OutcomeWriterClient(channel.port1), store: own };
}

/** A channel with `n` accepted events, claimed; returns their outcomes as a send would record them. */
async function claimedOutcomes(store: DeliveryStore, name: string, n: number, statusCode: number): Promise<EventOutcome[]> {
  const { id } = await createChannel(admin, providerId, { name, description: "", email: "" });
  await acceptEvents({ id, useWebhook: true }, Array.from({ length: n }, (_, i) => ({ type: "message", userId: USER, text: `w${i}` })), "api");
  const claimed = await store.claim(id, "writer-test", n, Date.now(), 30_000);
  const ok = statusCode === 200;
  return claimed.map((event) => ({
    seq: event.seq,
    attemptsBefore: 0,
    attempt: {
      channelId: id,
      webhookEventId: event.webhookEventId,
      kind: "event",
      isRedelivery: false,
      url: "http://127.0.0.1:9/callback",
      startedAt: Date.now(),
      durationMs: 3,
      statusCode,
      failure: ok ? null : { reason: "error_status_code", detail: "" },
      requestExcerpt: "",
      responseExcerpt: ok ? "OK" : "boom",
    },
  }));
}

describe("the outcome writer", () => {
  test("writes the batches a dispatcher sends it, in order, and answers once each is written", async () => {
    const writerStore = openDeliveryStore();
    stores.push(writerStore);
    const { client, store } = writerPair(writerStore);
    const delivered = await claimedOutcomes(store, "Written", 6, 200);
    const failed = await claimedOutcomes(store, "Written too", 2, 500);
    await Promise.all([client.recordOutcomes(delivered.slice(0, 3), Date.now()), client.recordOutcomes(delivered.slice(3), Date.now())]);
    await client.recordOutcomes(failed, Date.now());
    const events = await db().webhookEvent.findMany({
      where: { seq: { in: [...delivered, ...failed].map((o) => o.seq) } },
      orderBy: { seq: "asc" },
      select: { status: true, attempts: true },
    });
    expect(events.map((e) => e.status)).toEqual([...Array(6).fill(EventStatus.delivered), EventStatus.failed, EventStatus.failed]);
    expect(events.every((e) => e.attempts === 1)).toBe(true);
    const attempts = await db().deliveryAttempt.count({
      where: { webhookEventId: { in: [...delivered, ...failed].map((o) => o.attempt.webhookEventId!) } },
    });
    expect(attempts).toBe(8);
  });

  test("passes the writer's failure back, so the dispatcher keeps the batch and tries again", async () => {
    const broken = openDeliveryStore();
    await broken.close();
    const { client, store } = writerPair(broken);
    const outcomes = await claimedOutcomes(store, "Not written", 1, 200);
    await expect(client.recordOutcomes(outcomes, Date.now())).rejects.toThrow();
    const event = await db().webhookEvent.findFirstOrThrow({ where: { seq: outcomes[0].seq } });
    expect(event.status).toBe(EventStatus.sending);
  });

  test.skipIf(isPostgresRun())(
    "SQLite: an event sent twice in one batch counts both sends and ends as the later one did",
    async () => {
      const writerStore = openDeliveryStore();
      stores.push(writerStore);
      const { client, store } = writerPair(writerStore);
      const [failedFirst] = await claimedOutcomes(store, "Sent twice", 1, 500);
      const [deliveredOnce, deliveredToo] = await claimedOutcomes(store, "Sent once", 2, 200);
      const deliveredLater = { ...failedFirst, attempt: { ...deliveredOnce.attempt, webhookEventId: failedFirst.attempt.webhookEventId } };
      await client.recordOutcomes([failedFirst, deliveredOnce, deliveredLater, deliveredToo], Date.now());
      const events = await db().webhookEvent.findMany({
        where: { seq: { in: [failedFirst.seq, deliveredOnce.seq, deliveredToo.seq] } },
        orderBy: { seq: "asc" },
        select: { status: true, attempts: true },
      });
      expect(events).toEqual([
        { status: EventStatus.delivered, attempts: 2 },
        { status: EventStatus.delivered, attempts: 1 },
        { status: EventStatus.delivered, attempts: 1 },
      ]);
    },
  );
});
