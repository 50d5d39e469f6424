import Database from "better-sqlite3";
import { afterAll, describe, expect, test } from "vitest";
import { startConsoleApp, type ConsoleApp } from "../support/app-server";
import { startBot, type TestBot } from "../support/bots";
import { isPostgresRun } from "../support/database";
import { waitUntil } from "../support/wait";

// Another process holds SQLite's write lock for longer than any wait of the console's: the
// console's Prisma statements (5 s), its ingest (5 s) and its dispatcher threads (10 s). Requests
// that need the lock fail with a clear 503 and store nothing; pages, which only read, keep
// answering quickly because no request waits for the lock on the thread that serves them; once
// the lock is free, everything accepted before, during and after is delivered.

const CHANNEL = { id: "1656000011", secret: "0123456789abcdef0123456789abcdef" };
const ADMIN = { email: "lock-admin@example.com", password: "lock admin passphrase" };
const HOLD_MS = 12_000;

let bot: TestBot;
let app: ConsoleApp | undefined;

afterAll(async () => {
  await app?.stop();
  await bot?.close();
});

async function tokenFor(console: ConsoleApp): Promise<string> {
  const res = await fetch(`${console.baseUrl}/v2/oauth/accessToken`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: CHANNEL.id, client_secret: CHANNEL.secret }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Signs in through next-auth's endpoint and returns the cookies of the session. */
async function signIn(console: ConsoleApp): Promise<string> {
  const csrf = await fetch(`${console.baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]);
  const res = await fetch(`${console.baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies(csrf).join("; ") },
    body: new URLSearchParams({ csrfToken, email: ADMIN.email, password: ADMIN.password, json: "true" }),
  });
  return [...cookies(csrf), ...cookies(res)].join("; ");
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe.skipIf(isPostgresRun())("another process holding SQLite's write lock", () => {
  test("gets clear 503s, keeps pages answering and loses nothing accepted", async () => {
    bot = await startBot((_req, res) => void res.writeHead(200).end("OK"));
    app = await startConsoleApp({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      DEMO_CHANNEL_ID: CHANNEL.id,
      DEMO_CHANNEL_SECRET: CHANNEL.secret,
    });
    const token = await tokenFor(app);
    const put = await fetch(`${app.baseUrl}/v2/bot/channel/webhook/endpoint`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ endpoint: bot.url }),
    });
    expect(put.status).toBe(200);
    const other = new Database(app.databaseUrl.replace(/^file:/, ""));
    // Use webhook has no API of its own: the test turns it on in the app's database.
    other.prepare(`UPDATE "Channel" SET "useWebhook" = 1 WHERE "id" = ?`).run(CHANNEL.id);
    const cookie = await signIn(app);
    const page = `${app.baseUrl}/channels/${CHANNEL.id}/messaging-api`;
    const first = await fetch(page, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("Use webhook");

    const accepted: string[] = [];
    const acceptedAt: number[] = [];
    const refused: { status: number; message: string; texts: string[] }[] = [];
    let stopping = false;
    const client = async (n: number) => {
      for (let batch = 0; !stopping; batch++) {
        const texts = Array.from({ length: 10 }, (_, i) => `lock ${n}-${batch}-${i}`);
        const res = await fetch(`${app!.baseUrl}/api/channels/${CHANNEL.id}/events`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ events: texts.map((text) => ({ type: "message", userId: `U${"b".repeat(32)}`, text })) }),
        });
        const body = (await res.json()) as { webhookEventIds?: string[]; message?: string };
        if (res.status === 202) {
          accepted.push(...body.webhookEventIds!);
          acceptedAt.push(Date.now());
        }
        else refused.push({ status: res.status, message: body.message ?? "", texts });
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const clients = Array.from({ length: 4 }, (_, n) => client(n));
    await waitUntil(() => accepted.length >= 200, 30_000);

    // The lock is held from here on, while the clients go on posting.
    other.exec("BEGIN IMMEDIATE");
    const heldAt = Date.now();
    const acceptedBefore = accepted.length;
    const latencies: number[] = [];
    while (Date.now() - heldAt < HOLD_MS) {
      const started = performance.now();
      const res = await fetch(page, { headers: { Cookie: cookie }, redirect: "manual" });
      await res.text();
      latencies.push(performance.now() - started);
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    other.exec("COMMIT");
    const releasedAt = Date.now();
    // A batch stored just before the lock may be answered just after it.
    const acceptedWhileHeld = acceptedAt.filter((at) => at > heldAt + 1_000 && at < releasedAt).length;
    await waitUntil(() => accepted.length >= acceptedBefore + 200, 30_000);
    stopping = true;
    await Promise.all(clients);

    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    console.log(
      `page during the lock: ${latencies.length} loads, p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms; ` +
        `accepted ${accepted.length} (${acceptedWhileHeld} batches while held), refused ${refused.length} batches, back ${((releasedAt - heldAt) / 1000).toFixed(1)} s after the lock`,
    );
    // A read never waits for the lock, and nothing else holds the thread that serves it.
    expect(p99).toBeLessThan(1_000);
    expect(acceptedWhileHeld).toBe(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.message).toMatch(/^The database is busy: another process holds its write lock\. Nothing was stored/);
    }
    // A refused batch left nothing behind, not even part of itself.
    const stored = new Set(
      (other.prepare(`SELECT "event" FROM "WebhookEvent" WHERE "channelId" = ?`).all(CHANNEL.id) as { event: string }[]).map(
        (row) => (JSON.parse(row.event) as { message: { text: string } }).message.text,
      ),
    );
    expect(refused.flatMap((r) => r.texts).filter((text) => stored.has(text))).toEqual([]);
    expect(stored.size).toBe(accepted.length);

    const delivered = () =>
      new Set(bot.received.flatMap((r) => (JSON.parse(r.body) as { events: { webhookEventId: string }[] }).events.map((e) => e.webhookEventId)));
    await waitUntil(() => {
      const got = delivered();
      return accepted.every((id) => got.has(id));
    }, 60_000);
    other.close();
  }, 180_000);
});
