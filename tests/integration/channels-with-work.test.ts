import { beforeAll, describe, expect, test } from "vitest";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { db } from "@/lib/db";
import { acceptEvents, type EventSpec } from "@/lib/delivery/ingest";
import { deliveryStore } from "@/lib/delivery/runtime";
import { accessOf } from "../support/access";

const USER = `U${"6".repeat(32)}`;
const ME = "me-dispatcher";
const OTHER = "other-dispatcher";
const LEASE_MS = 10_000;

let admin: string;
let providerId: string;

async function channelWith(name: string, events: number): Promise<string> {
  const { id } = await createChannel(admin, providerId, { name, description: "", email: "" });
  await updateWebhookUrl(await accessOf(admin, id), "http://127.0.0.1:9/callback");
  await setWebhookSetting(await accessOf(admin, id), "useWebhook", true);
  const specs: EventSpec[] = Array.from({ length: events }, (_, i) => ({ type: "message", userId: USER, text: `${name} ${i}` }));
  if (events > 0) await acceptEvents(await channelRow(id), specs, "api");
  return id;
}

const channelRow = (id: string) => db().channel.findUniqueOrThrow({ where: { id } });

beforeAll(async () => {
  admin = (await createUser("work@example.com", "pw")).user.id;
  providerId = (await createProvider(admin, "Work")).id;
});

describe("the channels a dispatcher's scan finds work on", () => {
  test("its own past their cursors, another's by its live lease, nobody's by their pending events, anyone's expired leases", async () => {
    const store = deliveryStore();
    const now = Date.now();
    const othersBusy = await channelWith("Others busy", 3);
    const othersLapsed = await channelWith("Others lapsed", 3);
    const mineRead = await channelWith("Mine read", 5);
    const mineNews = await channelWith("Mine news", 5);
    const nobodysPending = await channelWith("Nobodys pending", 2);
    const nobodysIdle = await channelWith("Nobodys idle", 0);
    const mineExpired = await channelWith("Mine expired", 2);

    expect(await store.acquireChannels(OTHER, [othersBusy], 1, now, LEASE_MS)).toEqual([othersBusy]);
    expect(await store.acquireChannels(OTHER, [othersLapsed], 2, now - 2 * LEASE_MS, LEASE_MS)).toEqual([othersLapsed]);
    expect(await store.acquireChannels(ME, [mineRead, mineNews, mineExpired], 3, now, LEASE_MS)).toHaveLength(3);
    const cursorOf = async (channelId: string, count: number) =>
      (await store.claim(channelId, ME, count, now, LEASE_MS, { after: 0 })).at(-1)!.seq;
    const cursors = new Map([
      [mineRead, await cursorOf(mineRead, 5)],
      [mineNews, await cursorOf(mineNews, 3)],
      [mineExpired, 0],
    ]);
    // Leased (not read past a cursor), with a lease that has run out by `now`.
    const leased = await store.claim(mineExpired, ME, 2, now - 2 * LEASE_MS, LEASE_MS);
    expect(leased).toHaveLength(2);
    cursors.set(mineExpired, leased.at(-1)!.seq);

    const found = new Set(await store.channelsWithWork(now, ME, cursors));
    // Another dispatcher's live lease stands for work, with or without pending events behind it.
    expect(found.has(othersBusy)).toBe(true);
    // A lease that ran out is nobody's: its pending events count.
    expect(found.has(othersLapsed)).toBe(true);
    // The holder's own channel: only events past the cursor are news.
    expect(found.has(mineRead)).toBe(false);
    expect(found.has(mineNews)).toBe(true);
    expect(found.has(nobodysPending)).toBe(true);
    expect(found.has(nobodysIdle)).toBe(false);
    // Events whose lease ran out are work on any channel, whatever the cursor.
    expect(found.has(mineExpired)).toBe(true);

    // The other dispatcher sees the same channels from its side: the holder's channels as work
    // by their leases, its own by its cursor (none given: from the start).
    const othersLast = (await store.claim(othersBusy, OTHER, 3, now, LEASE_MS, { after: 0 })).at(-1)!.seq;
    const seenByOther = new Set(await store.channelsWithWork(now, OTHER, new Map([[othersBusy, othersLast]])));
    expect([mineRead, mineNews, othersLapsed, nobodysPending].every((id) => seenByOther.has(id))).toBe(true);
    expect(seenByOther.has(othersBusy)).toBe(false);
    expect(seenByOther.has(nobodysIdle)).toBe(false);
  });
});
