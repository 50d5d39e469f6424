import pg from "pg";
import { beforeAll, describe, expect, test } from "vitest";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { db } from "@/lib/db";
import { acceptEvents, type EventSpec } from "@/lib/delivery/ingest";
import { SqlStatus } from "@/lib/delivery/lifecycle";
import { PENDING_CHANNELS, PENDING_PROBE_PLAN } from "@/lib/delivery/pg-store";
import { deliveryStore } from "@/lib/delivery/runtime";
import { accessOf } from "../support/access";
import { isPostgresRun } from "../support/database";

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

  test.runIf(isPostgresRun())(
    "on PostgreSQL each probe stays in the partial status index, even when the statistics expect a backlog that has gone",
    async () => {
      const busy = await channelWith("Once busy", 0);
      const idle = await channelWith("Never busy", 0);
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      try {
        // The statistics are taken while 50,000 events wait; then every one of them is delivered.
        await client.query(
          `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "createdAt")
           SELECT 'stale-' || i, $1, 'message', '{}', ${SqlStatus.pending}, 'load', now() FROM generate_series(1, 50000) AS i`,
          [busy],
        );
        await client.query(`ANALYZE "WebhookEvent"`);
        await client.query(`UPDATE "WebhookEvent" SET "status" = ${SqlStatus.delivered} WHERE "channelId" = $1`, [busy]);
        await client.query("BEGIN");
        await client.query(PENDING_PROBE_PLAN);
        const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${PENDING_CHANNELS}`, [
          new Date(),
          ME,
          [busy],
          [0],
        ]);
        await client.query("COMMIT");
        const scans = nodesOn(rows[0]["QUERY PLAN"][0].Plan, "WebhookEvent");
        expect(scans.length).toBeGreaterThan(0);
        for (const scan of scans) {
          expect(scan["Node Type"]).toMatch(/^Index (Only )?Scan$/);
          expect(scan["Index Name"]).toBe("WebhookEvent_status_channelId_seq_idx");
        }
      } finally {
        await client.end();
      }
      const found = new Set(await deliveryStore().channelsWithWork(Date.now(), ME, new Map([[busy, 0]])));
      expect([found.has(busy), found.has(idle)]).toEqual([false, false]);
    },
  );
});

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; Plans?: PlanNode[] };

/** The plan's nodes that read `relation`. */
function nodesOn(node: PlanNode, relation: string): PlanNode[] {
  const below = (node.Plans ?? []).flatMap((child) => nodesOn(child, relation));
  return node["Relation Name"] === relation ? [node, ...below] : below;
}
