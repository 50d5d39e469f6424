import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createUser } from "@/lib/auth/users";
import { createChannel } from "@/lib/console/channels";
import { createProvider } from "@/lib/console/providers";
import { db } from "@/lib/db";
import { openDeliveryStore } from "@/lib/delivery/runtime";
import type { DeliveryStore, NewEvent, RetryKey } from "@/lib/delivery/store";

let channelId: string;
const stores: DeliveryStore[] = [];
let seq = 0;

function events(n: number): NewEvent[] {
  return Array.from({ length: n }, () => ({
    webhookEventId: `01RETRYKEYTEST${String(seq++).padStart(12, "0")}`,
    channelId,
    type: "follow",
    event: "{}",
    sourceUserId: null,
    sourceGroupId: null,
    status: "pending",
    origin: "api",
    createdAt: Date.now(),
  }));
}

function retryKey(key: string, requestId: string): RetryKey {
  return { channelId, key, requestId, willSend: true, now: Date.now() };
}

beforeAll(async () => {
  const admin = (await createUser("retry-key@example.com", "pw")).user.id;
  const providerId = (await createProvider(admin, "Retry keys")).id;
  channelId = (await createChannel(admin, providerId, { name: "Retry keys", description: "", email: "" })).id;
  // Two stores, two connections: as two processes sharing the database would be.
  stores.push(openDeliveryStore(), openDeliveryStore());
});

afterAll(async () => {
  for (const store of stores) await store.close();
});

describe("a retry key is stored with its batch", () => {
  test("a batch that fails to store leaves no key behind", async () => {
    const [store] = stores;
    const [taken] = events(1);
    await store!.insertEvents([taken!]);
    const key = "0b6f1b7e-5a55-4a3e-9d55-1f0e0c6a0001";
    await expect(store!.insertEvents([...events(2), taken!], retryKey(key, "first"))).rejects.toThrow();
    expect(await db().ingestRetryKey.count({ where: { retryKey: key } })).toBe(0);
    const stored = events(3);
    expect(await store!.insertEvents(stored, retryKey(key, "second"))).toBeNull();
    expect(await store!.insertEvents(events(3), retryKey(key, "third"))).toEqual({
      requestId: "second",
      webhookEventIds: stored.map((e) => e.webhookEventId),
      willSend: true,
    });
  });

  test("two connections storing one key at once store one batch", async () => {
    const before = await db().webhookEvent.count({ where: { channelId } });
    for (let round = 0; round < 20; round++) {
      const key = `0b6f1b7e-5a55-4a3e-9d55-1f0e0c6a1${String(round).padStart(3, "0")}`;
      const batches = [events(5), events(5)];
      const results = await Promise.all(stores.map((store, i) => store.insertEvents(batches[i]!, retryKey(key, `request ${i}`))));
      const winner = results.findIndex((r) => r === null);
      expect(winner).toBeGreaterThanOrEqual(0);
      expect(results[1 - winner]).toEqual({
        requestId: `request ${winner}`,
        webhookEventIds: batches[winner]!.map((e) => e.webhookEventId),
        willSend: true,
      });
    }
    expect(await db().webhookEvent.count({ where: { channelId } })).toBe(before + 20 * 5);
  });
});
