import Database from "better-sqlite3";
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { startConsoleApp, type ConsoleApp } from "../support/app-server";
import { startBot, type TestBot } from "../support/bots";
import { isPostgresRun } from "../support/database";
import { waitUntil } from "../support/wait";

// The console's data folder (and so its SQLite database) on a small filesystem that fills up
// while scripts post events and the dispatcher delivers them: ingest answers 507 and stores
// nothing partly, the dispatcher stops sending once it cannot write outcomes, and when space is
// freed delivery resumes by itself and every accepted event is delivered.

const CHANNEL = { id: "1656000021", secret: "0123456789abcdef0123456789abcdef" };
const CONCURRENCY = 8;

/** A size-limited tmpfs needs root (CI runs as root); elsewhere the test is skipped. */
function canMount(): boolean {
  try {
    return process.getuid?.() === 0 && execFileSync("which", ["mount"]).length > 0;
  } catch {
    return false;
  }
}

let bot: TestBot | undefined;
let app: ConsoleApp | undefined;
let mountPoint: string | undefined;
let other: Database.Database | undefined;

afterAll(async () => {
  other?.close();
  await app?.stop();
  await bot?.close();
  if (mountPoint) await unmount(mountPoint);
});

/** Unmounts the tmpfs once the app's last process has let go of its files. */
async function unmount(dir: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync("umount", [dir], { stdio: "pipe" });
      rmdirSync(dir);
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Writes zeros into `file` until the filesystem has no room left; returns how many bytes fit. */
function fillUp(file: string): number {
  const chunk = Buffer.alloc(64 * 1024);
  const fd = openSync(file, "w");
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return written;
}

function idsOf(body: string): string[] {
  return (JSON.parse(body) as { events: { webhookEventId: string }[] }).events.map((e) => e.webhookEventId);
}

describe.skipIf(isPostgresRun() || !canMount())("the data folder's disk full", () => {
  test("refuses ingest with 507, stops sending, and delivers everything once space is back", async () => {
    mountPoint = mkdtempSync(path.join(tmpdir(), "console-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", mountPoint]);
    bot = await startBot((_req, res) => void res.writeHead(200).end("OK"));
    const databaseUrl = `file:${path.join(mountPoint, "console.db")}`;
    app = await startConsoleApp(
      {
        ADMIN_EMAIL: "full-admin@example.com",
        ADMIN_PASSWORD: "full admin passphrase",
        DEMO_CHANNEL_ID: CHANNEL.id,
        DEMO_CHANNEL_SECRET: CHANNEL.secret,
        WEBHOOK_CHANNEL_CONCURRENCY: String(CONCURRENCY),
      },
      { dataDir: mountPoint, databaseUrl },
    );
    const tokenRes = await fetch(`${app.baseUrl}/v2/oauth/accessToken`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: CHANNEL.id, client_secret: CHANNEL.secret }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const put = await fetch(`${app.baseUrl}/v2/bot/channel/webhook/endpoint`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ endpoint: bot.url }),
    });
    expect(put.status).toBe(200);
    other = new Database(databaseUrl.replace(/^file:/, ""));
    other.prepare(`UPDATE "Channel" SET "useWebhook" = 1 WHERE "id" = ?`).run(CHANNEL.id);

    const accepted: string[] = [];
    const refused: { status: number; message: string; texts: string[] }[] = [];
    let stopping = false;
    const client = async (n: number) => {
      for (let batch = 0; !stopping; batch++) {
        // Long texts, so that the database grows quickly.
        const texts = Array.from({ length: 20 }, (_, i) => `full ${n}-${batch}-${i} ${"x".repeat(2000)}`);
        const res = await fetch(`${app!.baseUrl}/api/channels/${CHANNEL.id}/events`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ events: texts.map((text) => ({ type: "message", userId: `U${"c".repeat(32)}`, text })) }),
        });
        const body = (await res.json()) as { webhookEventIds?: string[]; message?: string };
        if (res.status === 202) accepted.push(...body.webhookEventIds!);
        else refused.push({ status: res.status, message: body.message ?? "", texts });
        await new Promise((r) => setTimeout(r, refused.length > 0 ? 200 : 10));
      }
    };
    const clients = Array.from({ length: 3 }, (_, n) => client(n));
    await waitUntil(() => accepted.length >= 300 && bot!.received.length > 0, 30_000);

    const filler = path.join(mountPoint, "filler");
    const filled = fillUp(filler);
    await waitUntil(() => refused.length >= 3, 60_000);
    // With no room for outcomes, the dispatcher stops: what reaches the bot from here on is at
    // most what was queued or in flight.
    await new Promise((r) => setTimeout(r, 3_000));
    const sendsWhileFull = bot.received.length;
    await new Promise((r) => setTimeout(r, 3_000));
    const sendsLater = bot.received.length;
    const refusedWhileFull = refused.length;

    rmSync(filler);
    const freedAt = Date.now();
    const acceptedWhenFreed = accepted.length;
    await waitUntil(() => accepted.length >= acceptedWhenFreed + 200, 60_000);
    stopping = true;
    await Promise.all(clients);
    await waitUntil(() => {
      const got = new Set(bot!.received.flatMap((r) => idsOf(r.body)));
      return accepted.every((id) => got.has(id));
    }, 90_000);

    const counts = new Map<string, number>();
    for (const id of bot.received.flatMap((r) => idsOf(r.body))) counts.set(id, (counts.get(id) ?? 0) + 1);
    const twice = [...counts.values()].filter((n) => n > 1).length;
    console.log(
      `filled ${(filled / 1024 / 1024).toFixed(1)} MB; accepted ${accepted.length}, refused ${refusedWhileFull} batches while full ` +
        `(${[...new Set(refused.map((r) => r.status))].join(", ")}); sends in 3 s while full: ${sendsLater - sendsWhileFull}; ` +
        `delivered all ${((Date.now() - freedAt) / 1000).toFixed(1)} s after space came back; delivered twice ${twice}`,
    );
    for (const r of refused) {
      expect([r.status, r.message]).toEqual([expect.toBeOneOf([503, 507]), expect.any(String)]);
      if (r.status === 507) expect(r.message).toMatch(/^The console's disk is full\. Nothing was stored/);
    }
    expect(refused.some((r) => r.status === 507)).toBe(true);
    expect(sendsLater - sendsWhileFull).toBe(0);
    // A refused batch left nothing behind, not even part of itself.
    const stored = new Set(
      (other.prepare(`SELECT "event" FROM "WebhookEvent" WHERE "channelId" = ?`).all(CHANNEL.id) as { event: string }[]).map(
        (row) => (JSON.parse(row.event) as { message: { text: string } }).message.text,
      ),
    );
    expect(refused.flatMap((r) => r.texts).filter((text) => stored.has(text))).toEqual([]);
    expect(stored.size).toBe(accepted.length);
    // Only sends whose outcomes could not be written went out again.
    expect(twice).toBeLessThanOrEqual(4 * CONCURRENCY + 512);
  }, 240_000);
});
