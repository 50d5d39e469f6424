import { afterAll, describe, expect, test } from "vitest";
import { startConsoleApp, type ConsoleApp } from "../support/app-server";
import { startBot, type TestBot } from "../support/bots";
import { waitUntil } from "../support/wait";

// The console itself killed (SIGKILL of `next start`, with its dispatcher and writer threads)
// while scripts post events at load: every event that got a 202 is delivered after a restart, and
// only the sends in flight at the kill may reach the bot twice. A send is in flight until its
// outcome is written (the dispatcher writes outcomes in batches, at most 50 ms after a response):
// no event whose outcome was written is ever sent again.

const CHANNEL = { id: "1656000001", secret: "0123456789abcdef0123456789abcdef" };
const CONCURRENCY = 16;
const ENV = {
  ADMIN_EMAIL: "kill-admin@example.com",
  ADMIN_PASSWORD: "kill admin passphrase",
  DEMO_CHANNEL_ID: CHANNEL.id,
  DEMO_CHANNEL_SECRET: CHANNEL.secret,
  WEBHOOK_CHANNEL_CONCURRENCY: String(CONCURRENCY),
  // A restarted dispatcher takes the killed one's channels over once their leases end.
  WEBHOOK_LEASE_MS: "2000",
};

let bot: TestBot;
let first: ConsoleApp | undefined;
let second: ConsoleApp | undefined;

afterAll(async () => {
  await first?.kill();
  await second?.stop();
  await bot?.close();
});

async function tokenFor(app: ConsoleApp): Promise<string> {
  const res = await fetch(`${app.baseUrl}/v2/oauth/accessToken`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: CHANNEL.id, client_secret: CHANNEL.secret }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** What the bot got: every webhookEventId, once per request that carried it. */
function deliveredIds(): string[] {
  return bot.received.flatMap((r) => (JSON.parse(r.body) as { events: { webhookEventId: string }[] }).events.map((e) => e.webhookEventId));
}

describe("the console killed under load", () => {
  test("loses no accepted event, and sends twice only what was in flight", async () => {
    // A bot slow enough that sends are in flight at any moment.
    bot = await startBot((_req, res) => void setTimeout(() => res.writeHead(200).end("OK"), 20));
    first = await startConsoleApp(ENV);
    const token = await tokenFor(first);
    const put = await fetch(`${first.baseUrl}/v2/bot/channel/webhook/endpoint`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ endpoint: bot.url }),
    });
    expect(put.status).toBe(200);
    // Use webhook has no API of its own: the test turns it on in the app's database.
    process.env.DATA_DIR = first.dataDir;
    process.env.DATABASE_URL = first.databaseUrl;
    const { db } = await import("@/lib/db");
    await db().channel.update({ where: { id: CHANNEL.id }, data: { useWebhook: true } });
    await db().$disconnect();

    const accepted: string[] = [];
    let killed = false;
    const client = async (n: number) => {
      for (let batch = 0; !killed; batch++) {
        const events = Array.from({ length: 20 }, (_, i) => ({ type: "message", userId: `U${"a".repeat(32)}`, text: `${n}-${batch}-${i}` }));
        try {
          const res = await fetch(`${first!.baseUrl}/api/channels/${CHANNEL.id}/events`, {
            method: "POST",
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            body: JSON.stringify({ events }),
          });
          if (res.status === 202) accepted.push(...((await res.json()) as { webhookEventIds: string[] }).webhookEventIds);
        } catch {
          // The connection died with the console: this batch got no 202, so nothing was promised.
          return;
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, n) => client(n));
    await waitUntil(async () => accepted.length >= 2000 && bot.received.length >= 100, 30_000);
    killed = true;
    const killedAt = Date.now();
    await first.kill();
    await Promise.all(clients);
    const beforeRestart = new Set(deliveredIds());
    expect(beforeRestart.size).toBeLessThan(accepted.length);

    second = await startConsoleApp(ENV, { dataDir: first.dataDir, databaseUrl: first.databaseUrl });
    const wanted = new Set(accepted);
    await waitUntil(async () => {
      const got = new Set(deliveredIds());
      return [...wanted].every((id) => got.has(id));
    }, 60_000);

    const counts = new Map<string, number>();
    for (const id of deliveredIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    // The outcomes the killed console had written: none of those events went out again.
    const recorded = await db().deliveryAttempt.findMany({
      where: { channelId: CHANNEL.id, success: true, startedAt: { lt: new Date(killedAt) } },
      select: { webhookEventId: true },
    });
    const sentAfter = new Set(
      bot.received
        .filter((r) => r.at > killedAt)
        .flatMap((r) => (JSON.parse(r.body) as { events: { webhookEventId: string }[] }).events.map((e) => e.webhookEventId)),
    );
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.filter((a) => a.webhookEventId !== null && sentAfter.has(a.webhookEventId))).toEqual([]);
    // What went out twice was only ever the last moments' sends: a small share of the whole.
    expect(twice.length).toBeLessThan(accepted.length / 20);
    console.log(`accepted ${accepted.length}, delivered before the kill ${beforeRestart.size}, outcomes written ${recorded.length}, delivered twice ${twice.length}`);
  }, 180_000);
});
