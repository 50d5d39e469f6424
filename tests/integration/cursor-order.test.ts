import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { acceptEvents, type EventSpec } from "@/lib/delivery/ingest";
import { openDeliveryStore } from "@/lib/delivery/runtime";
import type { DeliveryStore } from "@/lib/delivery/store";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";

const USER = `U${"b".repeat(32)}`;
let admin: string;
let providerId: string;
let store: DeliveryStore;

beforeAll(async () => {
  admin = (await createUser("cursor@example.com", "pw")).user.id;
  providerId = (await createProvider(admin, "Cursor")).id;
  store = openDeliveryStore();
});

afterAll(async () => {
  await store?.close();
});

describe("a channel's events commit in seq order", () => {
  test("a reader moving a cursor over a channel's fresh events while many requests insert them misses none", async () => {
    const { id } = await createChannel(admin, providerId, { name: "Busy inserts", description: "", email: "" });
    const channel = { id, useWebhook: true };
    const batch = (n: number): EventSpec[] => Array.from({ length: n }, (_, i) => ({ type: "message", userId: USER, text: `e${i}` }));
    let inserting = true;
    let accepted = 0;
    const writers = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 25; i++) {
        const { webhookEventIds } = await acceptEvents(channel, batch(1 + (i % 7)), "api");
        accepted += webhookEventIds.length;
      }
    });
    const seen = new Set<number>();
    let cursor = 0;
    const reader = (async () => {
      for (;;) {
        // A read that starts once every insert has committed, and finds nothing, is the last.
        const last = !inserting;
        const events = await store.claim(id, "reader", 50, Date.now(), 30_000, { reclaimExpired: false, after: cursor });
        for (const e of events) {
          seen.add(e.seq);
          cursor = Math.max(cursor, e.seq);
        }
        if (last && events.length === 0) break;
      }
    })();
    await Promise.all(writers);
    inserting = false;
    await reader;
    const stored = await db().webhookEvent.findMany({ where: { channelId: id }, select: { seq: true } });
    expect(stored.length).toBe(accepted);
    // Every stored event was read: none committed behind the cursor after it had moved on.
    expect(stored.filter((e) => !seen.has(e.seq))).toEqual([]);
  });
});
